import { Injectable } from '@nestjs/common';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { PageQueryDto, Page, page } from 'src/common/paging';
import { notFound, ProblemException } from 'src/common/problem';
import {
  CreateInstitutionDto,
  CreateRegionDto,
  InstitutionDto,
  MembershipDto,
  MembershipRequestDto,
  RegionDto,
  UpdateInstitutionDto,
  UpdateRegionDto,
} from 'src/institutions/dto/institution.dto';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { InstitutionsRepository } from 'src/institutions/institutions.repository';
import { RegionEntity } from 'src/institutions/region.entity';
import { problem } from 'src/common/problems';

const toRegionDto = (region: RegionEntity): RegionDto => ({
  id: region.id,
  code: region.code,
  name: region.name,
  retentionMonths: region.retentionMonths,
  autoGrantReaders: region.autoGrantReaders,
  createdAt: region.createdAt,
});

const toInstitutionDto = (institution: InstitutionEntity): InstitutionDto => ({
  id: institution.id,
  brin: institution.brin,
  name: institution.name,
  sectors: institution.sectors,
  vestigingen: institution.vestigingen,
  homeOrganization: institution.homeOrganization,
  createdAt: institution.createdAt,
});

const conflict = (detail: string): ProblemException => problem('conflict', detail);

@Injectable()
export class InstitutionsService {
  constructor(
    private readonly repository: InstitutionsRepository,
    private readonly access: AccessService,
  ) {}

  async createRegion(dto: CreateRegionDto): Promise<RegionDto> {
    if (await this.repository.findRegionByCode(dto.code)) throw conflict(`Region ${dto.code} already exists.`);
    return toRegionDto(await this.repository.createRegion({ code: dto.code, name: dto.name, retentionMonths: dto.retentionMonths ?? 120 }));
  }

  /** Platform admins see every region; a coordinator its own; an institution those it belongs to. */
  async listRegions(auth: Principal, query: PageQueryDto): Promise<Page<RegionDto>> {
    const ids = await this.access.visibleRegionIds(auth);
    const { items, total } = await this.repository.listRegions(ids === 'all' ? {} : { ids }, query.limit, query.offset);
    return page(items.map(toRegionDto), total, query);
  }

  async getRegion(auth: Principal, code: string): Promise<RegionDto> {
    const region = await this.repository.findRegionById((await this.access.requireRegion(auth, code)).id);
    if (!region) throw notFound(`Region ${code}`);
    return toRegionDto(region);
  }

  async updateRegion(code: string, dto: UpdateRegionDto): Promise<RegionDto> {
    const region = await this.repository.findRegionByCode(code);
    if (!region) throw notFound(`Region ${code}`);
    await this.repository.updateRegion(region.id, { ...(dto.name !== undefined ? { name: dto.name } : {}), ...(dto.retentionMonths !== undefined ? { retentionMonths: dto.retentionMonths } : {}),
      ...(dto.autoGrantReaders !== undefined ? { autoGrantReaders: dto.autoGrantReaders } : {}),
    });
    return toRegionDto((await this.repository.findRegionById(region.id))!);
  }

  async createInstitution(dto: CreateInstitutionDto): Promise<InstitutionDto> {
    this.assertVestigingenBelong(dto.brin, dto.vestigingen ?? []);
    if (await this.repository.findInstitutionByBrin(dto.brin)) throw conflict(`Institution ${dto.brin} already exists.`);
    const created = await this.repository.createInstitution({
      brin: dto.brin,
      name: dto.name,
      sectors: dto.sectors,
      vestigingen: (dto.vestigingen ?? []).map(({ code, name }) => ({ code, name })),
    });
    return toInstitutionDto(created);
  }

  async listInstitutions(query: PageQueryDto): Promise<Page<InstitutionDto>> {
    const { items, total } = await this.repository.listInstitutions(query.limit, query.offset);
    return page(items.map(toInstitutionDto), total, query);
  }

  async getInstitution(auth: Principal, brin: string): Promise<InstitutionDto> {
    const institution = await this.repository.findInstitutionById((await this.access.requireInstitution(auth, brin)).id);
    if (!institution) throw notFound(`Institution ${brin}`);
    return toInstitutionDto(institution);
  }

  async updateInstitution(brin: string, dto: UpdateInstitutionDto): Promise<InstitutionDto> {
    const institution = await this.repository.findInstitutionByBrin(brin);
    if (!institution) throw notFound(`Institution ${brin}`);
    if (dto.vestigingen) this.assertVestigingenBelong(brin, dto.vestigingen);
    if (dto.homeOrganization) {
      const holder = await this.repository.findInstitutionByHomeOrganization(dto.homeOrganization.toLowerCase());
      if (holder && holder.id !== institution.id) throw conflict(`Home organisation ${dto.homeOrganization} belongs to institution ${holder.brin}.`);
    }
    await this.repository.updateInstitution(institution.id, {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.sectors !== undefined ? { sectors: dto.sectors } : {}),
      ...(dto.vestigingen !== undefined ? { vestigingen: dto.vestigingen.map(({ code, name }) => ({ code, name })) } : {}),
      ...(dto.homeOrganization !== undefined ? { homeOrganization: dto.homeOrganization?.toLowerCase() ?? null } : {}),
    });
    return toInstitutionDto((await this.repository.findInstitutionById(institution.id))!);
  }

  async putMembership(regionCode: string, brin: string, dto: MembershipRequestDto): Promise<MembershipDto> {
    const region = await this.repository.findRegionByCode(regionCode);
    if (!region) throw notFound(`Region ${regionCode}`);
    const institution = await this.repository.findInstitutionByBrin(brin);
    if (!institution) throw notFound(`Institution ${brin}`);
    if (dto.endDate && dto.endDate < dto.startDate) {
      throw problem('invalid-request', 'endDate is before startDate.', [
        { pointer: '#/endDate', code: 'endBeforeStart', detail: 'endDate must not be before startDate' },
      ]);
    }
    await this.repository.upsertMembership({ regionId: region.id, institutionId: institution.id, startDate: dto.startDate, endDate: dto.endDate ?? null });
    return { regionCode, brin, institutionName: institution.name, startDate: dto.startDate, endDate: dto.endDate ?? null };
  }

  async deleteMembership(regionCode: string, brin: string): Promise<void> {
    const region = await this.repository.findRegionByCode(regionCode);
    const institution = await this.repository.findInstitutionByBrin(brin);
    if (!region || !institution || !(await this.repository.deleteMembership(region.id, institution.id))) {
      throw notFound(`Membership of ${brin} in ${regionCode}`);
    }
  }

  async listMemberships(auth: Principal, regionCode: string): Promise<{ items: MembershipDto[] }> {
    const region = await this.access.requireRegion(auth, regionCode);
    return { items: await this.repository.listMemberships(region.id) };
  }

  private assertVestigingenBelong(brin: string, vestigingen: Array<{ code: string }>): void {
    const errors = vestigingen
      .map((vestiging, index) => ({ vestiging, index }))
      .filter(({ vestiging }) => !vestiging.code.startsWith(brin))
      .map(({ index }) => ({ pointer: `#/vestigingen/${index}/code`, code: 'vestigingOfOtherBrin', detail: `a vestiging code must start with the BRIN ${brin}` }));
    if (errors.length > 0) throw problem('invalid-request', 'Vestiging codes must start with the institution’s BRIN.', errors);
  }
}
