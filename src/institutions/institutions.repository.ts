import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { query, sql } from 'src/database/sql';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { MembershipEntity } from 'src/institutions/membership.entity';
import { RegionEntity } from 'src/institutions/region.entity';

export interface MembershipRow {
  regionCode: string;
  brin: string;
  institutionName: string;
  startDate: string;
  endDate: string | null;
}

@Injectable()
export class InstitutionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get regions() {
    return this.dataSource.getRepository(RegionEntity);
  }
  private get institutions() {
    return this.dataSource.getRepository(InstitutionEntity);
  }
  private get memberships() {
    return this.dataSource.getRepository(MembershipEntity);
  }

  findRegionByCode(code: string): Promise<RegionEntity | null> {
    return this.regions.findOne({ where: { code } });
  }

  findRegionById(id: string): Promise<RegionEntity | null> {
    return this.regions.findOne({ where: { id } });
  }

  async listRegions(filter: { ids?: string[] }, limit: number, offset: number): Promise<{ items: RegionEntity[]; total: number }> {
    const query = this.regions.createQueryBuilder('region');
    if (filter.ids) query.where('region.id = ANY(:ids)', { ids: filter.ids });
    const [items, total] = await query.orderBy('region.code', 'ASC').take(limit).skip(offset).getManyAndCount();
    return { items, total };
  }

  createRegion(region: Pick<RegionEntity, 'code' | 'name' | 'retentionMonths'>): Promise<RegionEntity> {
    return this.regions.save(this.regions.create(region));
  }

  async updateRegion(id: string, changes: Partial<Pick<RegionEntity, 'name' | 'retentionMonths' | 'autoGrantReaders'>>): Promise<void> {
    if (Object.keys(changes).length > 0) await this.regions.update({ id }, changes);
  }

  findInstitutionByBrin(brin: string): Promise<InstitutionEntity | null> {
    return this.institutions.findOne({ where: { brin } });
  }

  findInstitutionById(id: string): Promise<InstitutionEntity | null> {
    return this.institutions.findOne({ where: { id } });
  }

  async listInstitutions(limit: number, offset: number): Promise<{ items: InstitutionEntity[]; total: number }> {
    const [items, total] = await this.institutions.findAndCount({ order: { brin: 'ASC' }, take: limit, skip: offset });
    return { items, total };
  }

  createInstitution(institution: Pick<InstitutionEntity, 'brin' | 'name' | 'sectors' | 'vestigingen'>): Promise<InstitutionEntity> {
    return this.institutions.save(this.institutions.create(institution));
  }

  findInstitutionByHomeOrganization(homeOrganization: string): Promise<InstitutionEntity | null> {
    return this.institutions.findOne({ where: { homeOrganization } });
  }

  async updateInstitution(id: string, changes: Partial<Pick<InstitutionEntity, 'name' | 'sectors' | 'vestigingen' | 'homeOrganization'>>): Promise<void> {
    if (Object.keys(changes).length > 0) await this.institutions.update({ id }, changes);
  }

  async upsertMembership(membership: Pick<MembershipEntity, 'regionId' | 'institutionId' | 'startDate' | 'endDate'>): Promise<void> {
    await this.memberships.upsert(membership, ['regionId', 'institutionId']);
  }

  async deleteMembership(regionId: string, institutionId: string): Promise<boolean> {
    const result = await this.memberships.delete({ regionId, institutionId });
    return (result.affected ?? 0) > 0;
  }

  listMemberships(regionId: string): Promise<MembershipRow[]> {
    return query(
      this.dataSource,
      sql`SELECT r.code AS "regionCode", i.brin, i.name AS "institutionName",
              to_char(m.start_date, 'YYYY-MM-DD') AS "startDate", to_char(m.end_date, 'YYYY-MM-DD') AS "endDate"
         FROM region_memberships m
         JOIN regions r ON r.id = m.region_id
         JOIN institutions i ON i.id = m.institution_id
        WHERE m.region_id = ${regionId}
        ORDER BY i.brin`,
    );
  }
}
