import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InterventionScope } from 'src/access/tenancy';
import { viewReads } from 'src/database/read-replica';
import { constant, empty, query, queryOne, Sql, sql } from 'src/database/sql';
import type { InterventionDirection, InterventionMetric, InterventionState, InterventionTarget, InterventionType } from 'src/interventions/model';
import { KEY_MODULUS } from 'src/outcomes/disclosure/cell-key';
import { Counts, SUM_COUNTS_SQL } from 'src/outcomes/figures';

export interface InterventionRow {
  id: string;
  regionId: string;
  regionCode: string;
  type: InterventionType;
  title: string;
  description: string;
  partyIds: string[];
  target: InterventionTarget;
  firstCohort: number;
  metric: InterventionMetric;
  direction: InterventionDirection;
  reviewDate: string;
  state: InterventionState;
  registeredByKind: 'region' | 'institution';
  registeredByInstitutionId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewIntervention = Omit<InterventionRow, 'id' | 'regionCode' | 'state' | 'createdAt' | 'updatedAt'>;
export type InterventionChanges = Partial<Pick<InterventionRow, 'type' | 'title' | 'description' | 'partyIds' | 'target' | 'firstCohort' | 'metric' | 'direction' | 'reviewDate'>>;

/** One supplier × receiver cell of one cohort, with the sum of its records' keys (for the cell-key noise). */
export interface PairCohortRow extends Counts {
  cohort: number;
  supplierId: string;
  receiverId: string;
  definitionSetId: string;
  key: string;
}

export interface ListFilter {
  state?: InterventionState;
  reviewDueBy?: string;
}

const COLUMNS = constant(`i.id::text AS id, i.region_id::text AS "regionId", r.code AS "regionCode", i.type, i.title, i.description,
       i.party_ids::text[] AS "partyIds", i.target, i.first_cohort AS "firstCohort", i.metric, i.direction, i.review_date::text AS "reviewDate",
       i.state, i.registered_by_kind AS "registeredByKind", i.registered_by_institution_id::text AS "registeredByInstitutionId",
       i.created_at AS "createdAt", i.updated_at AS "updatedAt"`);

/** The interventions a scope may see: a coordinator's region's; an institution's where it is a party, in its regions. */
const scopeFilter = (scope: InterventionScope): Sql =>
  scope.kind === 'region'
    ? sql`i.region_id = ${scope.regionId}::uuid`
    : sql`i.region_id = ANY(${scope.regionIds}::uuid[]) AND ${scope.institutionId}::uuid = ANY(i.party_ids)`;

@Injectable()
export class InterventionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(row: NewIntervention): Promise<string> {
    const inserted = await queryOne<{ id: string }>(
      this.dataSource,
      sql`INSERT INTO interventions (region_id, type, title, description, party_ids, target, first_cohort, metric, direction, review_date, registered_by_kind, registered_by_institution_id)
          VALUES (${row.regionId}::uuid, ${row.type}, ${row.title}, ${row.description}, ${row.partyIds}::uuid[], ${JSON.stringify(row.target)}::jsonb, ${row.firstCohort},
                  ${row.metric}, ${row.direction}, ${row.reviewDate}::date, ${row.registeredByKind}, ${row.registeredByInstitutionId}::uuid)
          RETURNING id::text AS id`,
    );
    return inserted!.id;
  }

  /** The scope's interventions, soonest review first. */
  list(scope: InterventionScope, filter: ListFilter): Promise<InterventionRow[]> {
    const state = filter.state ? sql` AND i.state = ${filter.state}` : empty;
    const due = filter.reviewDueBy ? sql` AND i.review_date <= ${filter.reviewDueBy}::date` : empty;
    return query<InterventionRow>(
      this.dataSource,
      sql`SELECT ${COLUMNS} FROM interventions i JOIN regions r ON r.id = i.region_id
           WHERE ${scopeFilter(scope)}${state}${due}
           ORDER BY i.review_date, i.created_at, i.id`,
    );
  }

  /** One intervention, if the scope may see it. */
  byId(scope: InterventionScope, id: string): Promise<InterventionRow | undefined> {
    return queryOne<InterventionRow>(this.dataSource, sql`SELECT ${COLUMNS} FROM interventions i JOIN regions r ON r.id = i.region_id WHERE ${scopeFilter(scope)} AND i.id = ${id}::uuid`);
  }

  async update(id: string, changes: InterventionChanges): Promise<void> {
    const sets: Sql[] = [sql`updated_at = now()`];
    if (changes.type !== undefined) sets.push(sql`type = ${changes.type}`);
    if (changes.title !== undefined) sets.push(sql`title = ${changes.title}`);
    if (changes.description !== undefined) sets.push(sql`description = ${changes.description}`);
    if (changes.partyIds !== undefined) sets.push(sql`party_ids = ${changes.partyIds}::uuid[]`);
    if (changes.target !== undefined) sets.push(sql`target = ${JSON.stringify(changes.target)}::jsonb`);
    if (changes.firstCohort !== undefined) sets.push(sql`first_cohort = ${changes.firstCohort}`);
    if (changes.metric !== undefined) sets.push(sql`metric = ${changes.metric}`);
    if (changes.direction !== undefined) sets.push(sql`direction = ${changes.direction}`);
    if (changes.reviewDate !== undefined) sets.push(sql`review_date = ${changes.reviewDate}::date`);
    const assignments = sets.reduce((all, part) => sql`${all}, ${part}`);
    await query(this.dataSource, sql`UPDATE interventions SET ${assignments} WHERE id = ${id}::uuid`);
  }

  async withdraw(id: string): Promise<void> {
    await query(this.dataSource, sql`UPDATE interventions SET state = 'withdrawn', updated_at = now() WHERE id = ${id}::uuid`);
  }

  /**
   * Every supplier × receiver cell of a region per cohort from the summaries, with its
   * definition set and its records' key sum: what the effect of an intervention is built from.
   */
  async pairCohorts(regionId: string): Promise<PairCohortRow[]> {
    const rows = await query<PairCohortRow>(
      viewReads(this.dataSource),
      sql`SELECT cohort, supplier_institution_id::text AS "supplierId", receiver_institution_id::text AS "receiverId", definition_set_id::text AS "definitionSetId",
                 ${constant(SUM_COUNTS_SQL)}, (sum(record_key_sum) % ${constant(String(KEY_MODULUS))})::bigint::text AS key
            FROM outcome_summaries WHERE region_id = ${regionId}::uuid
           GROUP BY cohort, supplier_institution_id, receiver_institution_id, definition_set_id
           ORDER BY cohort, "supplierId", "receiverId"`,
    );
    return rows.map((row) => ({ ...row, cohort: Number(row.cohort) }));
  }

  /** Which receivers of a region teach which sectors and programmes (from the summaries): how a sector or programme target becomes cells. */
  receiverOfferings(regionId: string): Promise<Array<{ receiverId: string; sector: string; programme: string }>> {
    return query<{ receiverId: string; sector: string; programme: string }>(
      viewReads(this.dataSource),
      sql`SELECT DISTINCT receiver_institution_id::text AS "receiverId", sector, programme_code AS programme
            FROM outcome_summaries WHERE region_id = ${regionId}::uuid ORDER BY 1, 2, 3`,
    );
  }

  /** Institutions of the given ids or BRINs, with id and BRIN. */
  institutions(ids: string[], brins: string[]): Promise<Array<{ id: string; brin: string; name: string }>> {
    return query<{ id: string; brin: string; name: string }>(
      this.dataSource,
      sql`SELECT id::text AS id, brin, name FROM institutions WHERE id = ANY(${ids}::uuid[]) OR brin = ANY(${brins}::text[]) ORDER BY brin`,
    );
  }
}
