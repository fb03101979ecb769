import { HttpStatus, Injectable } from '@nestjs/common';
import { Principal } from 'src/auth/scopes';
import { notFound, ProblemException } from 'src/common/problem';
import { InstitutionsService } from 'src/institutions/institutions.service';
import { RegionEntity } from 'src/institutions/region.entity';
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
    private readonly institutions: InstitutionsService,
  ) {}

  async listForRegion(auth: Principal, regionCode: string): Promise<{ items: DefinitionSetDto[] }> {
    const region = await this.institutions.requireVisibleRegion(auth, regionCode);
    const all = await this.repository.listForRegion(region.id);
    return { items: all.map((definition) => this.toDto(definition, region, all)) };
  }

  async get(auth: Principal, id: string): Promise<DefinitionSetDto> {
    const definition = await this.repository.findById(id);
    if (!definition) throw notFound(`Definition set ${id}`);
    const region = await this.visibleRegionOf(auth, definition);
    return this.toDto(definition, region, await this.repository.listForRegion(region.id));
  }

  async create(auth: Principal, regionCode: string, dto: CreateDefinitionSetDto): Promise<DefinitionSetDto> {
    const region = await this.requireCoordinatedRegion(auth, regionCode);
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
    const region = await this.visibleRegionOf(auth, definition);
    if (auth.kind !== 'region' || auth.regionId !== region.id) throw notFound(`Definition set ${id}`);
    await this.repository.activate(definition, dto.fromCohort);
    const all = await this.repository.listForRegion(region.id);
    return this.toDto(all.find((item) => item.id === id)!, region, all);
  }

  private async visibleRegionOf(auth: Principal, definition: DefinitionSetEntity): Promise<RegionEntity> {
    const region = await this.institutions.findRegionById(definition.regionId);
    if (!region) throw notFound(`Definition set ${definition.id}`);
    try {
      return await this.institutions.requireVisibleRegion(auth, region.code);
    } catch {
      throw notFound(`Definition set ${definition.id}`);
    }
  }

  /** Only the region's own coordinator manages its definitions; others get the same 404. */
  private async requireCoordinatedRegion(auth: Principal, regionCode: string): Promise<RegionEntity> {
    const region = await this.institutions.requireVisibleRegion(auth, regionCode);
    if (auth.kind !== 'region' || auth.regionId !== region.id) throw notFound(`Region ${regionCode}`);
    return region;
  }

  private toDto(definition: DefinitionSetEntity, region: RegionEntity, all: DefinitionSetEntity[]): DefinitionSetDto {
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
