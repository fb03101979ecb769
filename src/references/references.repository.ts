import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { viewReads } from 'src/database/read-replica';
import { empty, execute, join, query, Sql, sql } from 'src/database/sql';
import type { ReferenceInstroom, ReferenceMetric } from 'src/references/reference-codes';
import type { RecordSector } from 'src/programmes/programme-codes';

/** A series as imported: its key ('' for "all") and its description. */
export interface NewSeries {
  source: string;
  sourceUrl: string;
  licence: string;
  definitions: string;
  synthetic: boolean;
  sector: RecordSector;
  level: string;
  programmeGroup: string;
  priorEducation: string;
  instroom: ReferenceInstroom;
  metric: ReferenceMetric;
  switchersCountAsUitval: boolean | null;
  firstYearInSectorOnly: boolean | null;
  referenceMonth: number | null;
  referenceDay: number | null;
}

export interface NewPoint {
  /** Index of the series in the list passed along. */
  series: number;
  cohort: number;
  rate: number;
  n: number | null;
}

export interface SeriesRow {
  id: string;
  source: string;
  source_url: string;
  licence: string;
  definitions: string;
  synthetic: boolean;
  sector: RecordSector;
  level: string;
  programme_group: string;
  prior_education: string;
  instroom: ReferenceInstroom;
  metric: ReferenceMetric;
  switchers_count_as_uitval: boolean | null;
  first_year_in_sector_only: boolean | null;
  reference_month: number | null;
  reference_day: number | null;
}

export interface PointRow {
  series_id: string;
  cohort: number;
  rate: number;
  n: number | null;
}

/** Which series to read: every filter is optional; `all` in a key column means '' (the whole sector, all prior education). */
export interface SeriesFilter {
  ids?: string[];
  sectors?: RecordSector[];
  metrics?: ReferenceMetric[];
  /** Prior education types to include besides '' (all); undefined: any. */
  priorEducation?: string[];
  /** Only series over a whole sector (no level or programme group). */
  wholeSector?: boolean;
  /** Only series of one of these sector × level pairs, over all programme groups. */
  levels?: Array<{ sector: string; level: string }>;
}

const SERIES_COLUMNS = sql`s.id, s.source, s.source_url, s.licence, s.definitions, s.synthetic, s.sector, s.level, s.programme_group, s.prior_education,
       s.instroom, s.metric, s.switchers_count_as_uitval, s.first_year_in_sector_only, s.reference_month, s.reference_day`;

@Injectable()
export class ReferencesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Upserts the series on their key (their description follows the import) and their points on
   * (series, cohort), in one transaction. Points sent again unchanged are not touched.
   */
  import(series: readonly NewSeries[], points: readonly NewPoint[]): Promise<{ inserted: number; updated: number }> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      const ids = await this.upsertSeries(manager, series);
      const [counts] = await query<{ inserted: number; updated: number }>(
        manager,
        sql`WITH upserted AS (
           INSERT INTO reference_points AS p (series_id, cohort, rate, n)
           SELECT * FROM unnest(${points.map((point) => ids[point.series])}::uuid[], ${points.map((point) => point.cohort)}::int2[],
                                ${points.map((point) => point.rate)}::float8[], ${points.map((point) => point.n)}::int4[])
           ON CONFLICT (series_id, cohort) DO UPDATE SET rate = EXCLUDED.rate, n = EXCLUDED.n
           WHERE (p.rate, p.n) IS DISTINCT FROM (EXCLUDED.rate, EXCLUDED.n)
           RETURNING (p.xmax = 0) AS inserted
         )
         SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM upserted`,
      );
      return counts;
    });
  }

  /** The ids of the series, in the order given. */
  private async upsertSeries(manager: EntityManager, series: readonly NewSeries[]): Promise<string[]> {
    const column = <K extends keyof NewSeries>(key: K): Array<NewSeries[K]> => series.map((item) => item[key]);
    const rows = await query<{ ordinal: number; id: string }>(
      manager,
      sql`WITH input AS (
         SELECT * FROM unnest(${column('source')}::varchar[], ${column('sourceUrl')}::varchar[], ${column('licence')}::varchar[], ${column('definitions')}::text[],
                              ${column('synthetic')}::boolean[], ${column('sector')}::varchar[], ${column('level')}::varchar[], ${column('programmeGroup')}::varchar[],
                              ${column('priorEducation')}::varchar[], ${column('instroom')}::varchar[], ${column('metric')}::varchar[],
                              ${column('switchersCountAsUitval')}::boolean[], ${column('firstYearInSectorOnly')}::boolean[],
                              ${column('referenceMonth')}::int2[], ${column('referenceDay')}::int2[])
                WITH ORDINALITY AS i(source, source_url, licence, definitions, synthetic, sector, level, programme_group, prior_education, instroom, metric,
                                     switchers_count_as_uitval, first_year_in_sector_only, reference_month, reference_day, ordinal)
       ), upserted AS (
         INSERT INTO reference_series AS s (source, source_url, licence, definitions, synthetic, sector, level, programme_group, prior_education, instroom, metric,
                                            switchers_count_as_uitval, first_year_in_sector_only, reference_month, reference_day)
         SELECT source, source_url, licence, definitions, synthetic, sector, level, programme_group, prior_education, instroom, metric,
                switchers_count_as_uitval, first_year_in_sector_only, reference_month, reference_day
           FROM input ORDER BY ordinal
         ON CONFLICT (source, sector, level, programme_group, prior_education, instroom, metric) DO UPDATE SET
           source_url = EXCLUDED.source_url, licence = EXCLUDED.licence, definitions = EXCLUDED.definitions, synthetic = EXCLUDED.synthetic,
           switchers_count_as_uitval = EXCLUDED.switchers_count_as_uitval, first_year_in_sector_only = EXCLUDED.first_year_in_sector_only,
           reference_month = EXCLUDED.reference_month, reference_day = EXCLUDED.reference_day, updated_at = now()
         RETURNING s.id, s.source, s.sector, s.level, s.programme_group, s.prior_education, s.instroom, s.metric
       )
       SELECT i.ordinal::int AS ordinal, u.id
         FROM input i
         JOIN upserted u ON (u.source, u.sector, u.level, u.programme_group, u.prior_education, u.instroom, u.metric)
                          = (i.source, i.sector, i.level, i.programme_group, i.prior_education, i.instroom, i.metric)
        ORDER BY i.ordinal`,
    );
    return rows.map((row) => row.id);
  }

  /** Series matching the filter, by source and key (on the read replica's snapshot while a view is computed there). */
  listSeries(filter: SeriesFilter): Promise<SeriesRow[]> {
    const conditions: Sql[] = [];
    if (filter.ids !== undefined) conditions.push(sql`s.id = ANY(${filter.ids}::uuid[])`);
    if (filter.sectors !== undefined) conditions.push(sql`s.sector = ANY(${filter.sectors}::varchar[])`);
    if (filter.metrics !== undefined) conditions.push(sql`s.metric = ANY(${filter.metrics}::varchar[])`);
    if (filter.priorEducation !== undefined) conditions.push(sql`(s.prior_education = '' OR s.prior_education = ANY(${filter.priorEducation}::varchar[]))`);
    if (filter.wholeSector) conditions.push(sql`s.level = '' AND s.programme_group = ''`);
    if (filter.levels !== undefined) {
      conditions.push(sql`s.programme_group = '' AND (s.sector, s.level) IN (SELECT * FROM unnest(${filter.levels.map((pair) => pair.sector)}::varchar[], ${filter.levels.map((pair) => pair.level)}::varchar[]))`);
    }
    const where = conditions.length > 0 ? sql`WHERE ${join(conditions, sql` AND `)}` : empty;
    return query<SeriesRow>(
      viewReads(this.dataSource),
      sql`SELECT ${SERIES_COLUMNS}
         FROM reference_series s ${where}
        ORDER BY s.sector, s.metric, s.source, s.level, s.programme_group, s.prior_education, s.instroom, s.id`,
    );
  }

  /** The points of the series within the cohorts, oldest first. */
  points(seriesIds: string[], from: number | undefined, to: number | undefined): Promise<PointRow[]> {
    const window = [from !== undefined ? sql`AND cohort >= ${from}` : empty, to !== undefined ? sql`AND cohort <= ${to}` : empty];
    return query<PointRow>(
      viewReads(this.dataSource),
      sql`SELECT series_id, cohort, rate, n FROM reference_points
        WHERE series_id = ANY(${seriesIds}::uuid[]) ${window[0]} ${window[1]}
        ORDER BY series_id, cohort`,
    );
  }

  /** Deletes a series with its points; false when there was none. */
  async deleteSeries(id: string): Promise<boolean> {
    return (await execute(this.dataSource, sql`DELETE FROM reference_series WHERE id = ${id}::uuid`)) > 0;
  }
}
