import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { InstitutionRef, RegionRef } from 'src/access/tenancy';
import { preparedReadsOf } from 'src/database/prepared-reads';
import { query, Queryable, queryOne, sql } from 'src/database/sql';

/** A membership is current until its end date, that day included. */
const CURRENT_MEMBERSHIP = sql`(end_date IS NULL OR end_date >= CURRENT_DATE)`;

/**
 * All SQL behind access decisions: tenants and current memberships. Plain SQL on purpose: the
 * access layer sits below the modules that own these tables and cannot import their entities.
 * Always on the primary; prepared, as nearly every request asks one of these.
 */
@Injectable()
export class AccessRepository {
  private readonly reads: Queryable;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.reads = preparedReadsOf(dataSource.manager);
  }

  async regionByCode(code: string): Promise<RegionRef | undefined> {
    return queryOne(this.reads, sql`SELECT id, code, name FROM regions WHERE code = ${code}`);
  }

  async regionById(id: string): Promise<RegionRef | undefined> {
    return queryOne(this.reads, sql`SELECT id, code, name FROM regions WHERE id = ${id}`);
  }

  async institutionById(id: string): Promise<InstitutionRef | undefined> {
    return queryOne(this.reads, sql`SELECT id, brin FROM institutions WHERE id = ${id}`);
  }

  async institutionByBrin(brin: string): Promise<InstitutionRef | undefined> {
    return queryOne(this.reads, sql`SELECT id, brin FROM institutions WHERE brin = ${brin}`);
  }

  /**
   * Ids of the regions an institution belongs to today. (The summary refresh asks a different
   * question: every region it ever joined.)
   */
  async regionIdsOfInstitution(institutionId: string): Promise<string[]> {
    const rows = await query<{ region_id: string }>(
      this.reads,
      sql`SELECT region_id FROM region_memberships WHERE institution_id = ${institutionId} AND ${CURRENT_MEMBERSHIP}`,
    );
    return rows.map((row) => row.region_id);
  }

  /** The regions an institution belongs to today, one per current membership (for an institution's view: one statement). */
  async regionsOfInstitution(institutionId: string): Promise<RegionRef[]> {
    return query<RegionRef>(
      this.reads,
      sql`SELECT r.id, r.code, r.name FROM region_memberships m JOIN regions r ON r.id = m.region_id
           WHERE m.institution_id = ${institutionId} AND (m.end_date IS NULL OR m.end_date >= CURRENT_DATE)`,
    );
  }

  /** Ids of the institutions that belong to a region today; inside the caller's transaction when given one. */
  async memberIdsOfRegion(regionId: string, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows = await query<{ institution_id: string }>(
      manager,
      sql`SELECT institution_id FROM region_memberships WHERE region_id = ${regionId} AND ${CURRENT_MEMBERSHIP}`,
    );
    return rows.map((row) => row.institution_id);
  }

  /** An institution by the value an identity provider asserts for it: its BRIN or its home organisation (case-insensitive). */
  async institutionByClaim(kind: 'brin' | 'home-organization', value: string): Promise<InstitutionRef | undefined> {
    const match = kind === 'brin' ? sql`brin = upper(${value})` : sql`lower(home_organization) = lower(${value})`;
    return queryOne(this.reads, sql`SELECT id, brin FROM institutions WHERE ${match}`);
  }

  /** Ids of the regions the institution belongs to today that let its people become readers on their own. */
  async autoGrantRegionIdsOf(institutionId: string): Promise<string[]> {
    const rows = await query<{ region_id: string }>(
      this.reads,
      sql`SELECT m.region_id FROM region_memberships m JOIN regions r ON r.id = m.region_id
           WHERE m.institution_id = ${institutionId} AND r.auto_grant_readers AND (m.end_date IS NULL OR m.end_date >= CURRENT_DATE)
           ORDER BY r.code`,
    );
    return rows.map((row) => row.region_id);
  }
}
