import { HttpStatus, Injectable } from '@nestjs/common';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { RegionRef } from 'src/access/tenancy';
import { notFound, ProblemException } from 'src/common/problem';
import { describeDefinitionSet } from 'src/outcomes/definition-description';
import { DefinitionSetEntity } from 'src/outcomes/definition-set.entity';
import { DefinitionsRepository } from 'src/outcomes/definitions.repository';
import { ActivateDefinitionSetDto, CreateDefinitionSetDto, DefinitionReferenceDto, DefinitionSetDto } from 'src/outcomes/dto/definition.dto';

export const definitionHref = (id: string): string => `/v1/definitions/${id}`;

export const toDefinitionReference = (definition: Pick<DefinitionSetEntity, 'id' | 'version' | 'name'>): DefinitionReferenceDto => ({
  id: definition.id,
  version: definition.version,
  name: definition.name,
  href: definitionHref(definition.id),
});

@Injectable()
export class DefinitionsService {
  constructor(
    private readonly repository: DefinitionsRepository,
    private readonly access: AccessService,
  ) {}

  async listForRegion(auth: Principal, regionCode: string): Promise<{ items: DefinitionSetDto[] }> {
    const region = await this.access.requireRegion(auth, regionCode);
    const all = await this.repository.listForRegion(region.id);
    return { items: all.map((definition) => this.toDto(definition, region, all)) };
  }

  async get(auth: Principal, id: string): Promise<DefinitionSetDto> {
    const definition = await this.repository.findById(id);
    if (!definition) throw notFound(`Definition set ${id}`);
    const region = await this.access.requireRegionOf(auth, { regionId: definition.regionId, label: `Definition set ${id}` });
    return this.toDto(definition, region, await this.repository.listForRegion(region.id));
  }

  async create(auth: Principal, regionCode: string, dto: CreateDefinitionSetDto): Promise<DefinitionSetDto> {
    // Only the region's own coordinators manage its definitions; anyone else gets the same 404.
    const region = await this.access.requireRegion(auth, regionCode, 'coordinate');
    const minBaselineCohorts = dto.minBaselineCohorts ?? 2;
    const baselineCohorts = dto.baselineCohorts ?? 3;
    if (minBaselineCohorts > baselineCohorts) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, 'invalid-request', 'Invalid request', 'minBaselineCohorts cannot exceed baselineCohorts.', [
        { pointer: '#/minBaselineCohorts', code: 'exceedsBaseline', detail: 'must not exceed baselineCohorts' },
      ]);
    }
    const created = await this.repository.create({
      regionId: region.id,
      name: dto.name,
      notes: dto.notes ?? '',
      referenceMonth: dto.referenceMonth ?? 10,
      referenceDay: dto.referenceDay ?? 1,
      switchWindowMonths: dto.switchWindowMonths ?? 12,
      switchersCountAsUitval: dto.switchersCountAsUitval ?? false,
      firstYearInSectorOnly: dto.firstYearInSectorOnly ?? true,
      voltijdOnly: dto.voltijdOnly ?? false,
      suppressionK: dto.suppressionK ?? 10,
      baselineCohorts,
      minBaselineCohorts,
      minBaselineN: dto.minBaselineN ?? 30,
      minCurrentN: dto.minCurrentN ?? 10,
      fdrQ: dto.fdrQ ?? 0.05,
      supplyLowRatio: dto.supplyLowRatio ?? 0.5,
      supplyHighRatio: dto.supplyHighRatio ?? 2,
    });
    return this.toDto(created, region, await this.repository.listForRegion(region.id));
  }

  async activate(auth: Principal, id: string, dto: ActivateDefinitionSetDto): Promise<DefinitionSetDto> {
    const definition = await this.repository.findById(id);
    if (!definition) throw notFound(`Definition set ${id}`);
    const region = await this.access.requireRegionOf(auth, { regionId: definition.regionId, label: `Definition set ${id}` }, 'coordinate');
    const outcome = await this.repository.activate(definition, dto.fromCohort);
    if (!outcome.activated) {
      throw new ProblemException(
        HttpStatus.CONFLICT,
        'published-cohorts',
        'Cohort already published',
        `Cohorts up to ${outcome.lastPublishedCohort} have been published with the definitions in force; a new version applies from cohort ${outcome.lastPublishedCohort + 1} on.`,
        [{ pointer: '#/fromCohort', code: 'publishedCohort', detail: `must be after ${outcome.lastPublishedCohort}, the last published cohort` }],
        { lastPublishedCohort: outcome.lastPublishedCohort },
      );
    }
    const all = await this.repository.listForRegion(region.id);
    return this.toDto(all.find((item) => item.id === id)!, region, all);
  }

  private toDto(definition: DefinitionSetEntity, region: RegionRef, all: DefinitionSetEntity[]): DefinitionSetDto {
    const later = all
      .filter((other) => other.effectiveFromCohort !== null && definition.effectiveFromCohort !== null && other.effectiveFromCohort > definition.effectiveFromCohort)
      .map((other) => other.effectiveFromCohort!);
    const effectiveToCohort = later.length > 0 ? Math.min(...later) - 1 : null;
    return {
      id: definition.id,
      regionCode: region.code,
      version: definition.version,
      name: definition.name,
      notes: definition.notes,
      description: describeDefinitionSet(definition, region.code, effectiveToCohort),
      referenceDate: `${String(definition.referenceMonth).padStart(2, '0')}-${String(definition.referenceDay).padStart(2, '0')}`,
      switchWindowMonths: definition.switchWindowMonths,
      switchersCountAsUitval: definition.switchersCountAsUitval,
      firstYearInSectorOnly: definition.firstYearInSectorOnly,
      voltijdOnly: definition.voltijdOnly,
      suppressionK: definition.suppressionK,
      baselineCohorts: definition.baselineCohorts,
      minBaselineCohorts: definition.minBaselineCohorts,
      minBaselineN: definition.minBaselineN,
      minCurrentN: definition.minCurrentN,
      fdrQ: definition.fdrQ,
      supplyLowRatio: definition.supplyLowRatio,
      supplyHighRatio: definition.supplyHighRatio,
      effectiveFromCohort: definition.effectiveFromCohort,
      effectiveToCohort,
      status: definition.effectiveFromCohort !== null ? 'active' : definition.activatedAt ? 'superseded' : 'draft',
      activatedAt: definition.activatedAt,
      createdAt: definition.createdAt,
    };
  }
}
