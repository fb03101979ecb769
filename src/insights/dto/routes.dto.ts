import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateQueryInt, ValidateString } from 'src/common/property.decorators';
import { REGION_CODE_PATTERN } from 'src/institutions/dto/institution.dto';
import { DefinitionReferenceDto } from 'src/outcomes/dto/definition.dto';

export const ROUTE_STAGES = ['entree', 'mbo-2', 'mbo-3', 'mbo-4', 'mbo', 'hbo', 'wo'] as const;
export const ROUTE_STEPS = ['hoger', 'diploma', 'switch', 'ingeschreven', 'uitval'] as const;
export const ROUTE_PROTECTIONS = ['published', 'perturbed', 'suppressed'] as const;
export type RouteProtection = (typeof ROUTE_PROTECTIONS)[number];

export class RoutesQueryDto {
  @ValidateString({ optional: true, maxLength: 32, pattern: REGION_CODE_PATTERN, description: 'Region code; may be left out when the institution belongs to one region.' })
  region?: string;

  @ValidateQueryInt({ optional: true, min: 2000, max: 2100, description: 'First cohort (default: 10 cohorts before the last).' })
  cohortFrom?: number;

  @ValidateQueryInt({ optional: true, min: 2000, max: 2100, description: 'Last cohort (default: the latest with data).' })
  cohortTo?: number;
}

/** One cell of the route tables: a margin when `first` or `next` (or `prior`) is null. */
export class RouteCellDto {
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Prior diploma type (pro, vso, vmbo-b, …); null in the cohort total.' }) prior!: string | null;
  @ApiPropertyOptional({ enum: ROUTE_STAGES, nullable: true, description: 'Stage of the enrolment (by the region\'s definitions the first year in its sector, as in every view): entree (mbo 1), mbo-2 … mbo-4, hbo, wo; null in a margin over it.' })
  first!: string | null;
  @ApiPropertyOptional({
    enum: ROUTE_STEPS,
    nullable: true,
    description:
      'What followed the enrolment: hoger (a next enrolment at a higher level, e.g. entree → mbo 2), diploma, switch (a next enrolment at the same or a lower level), ingeschreven (still enrolled), uitval (left without a diploma and no next enrolment in the region); null in a margin over it.',
  })
  next!: string | null;
  @ApiProperty({ description: 'What the row is called in the web report.' }) label!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Students; null when withheld. Every next step of a published route cell is listed, also with 0.' }) n!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Share of the parent row (0–1); null when either is withheld.' }) share!: number | null;
  @ApiProperty() suppressed!: boolean;
  @ApiProperty({
    enum: ROUTE_PROTECTIONS,
    description:
      'A route cell is withheld by the publication plan; a next step is shown exactly where its route cell is published (a share, like the outcome rates). perturbed: a school\'s own next steps carry cell-key noise of at most ±3 (the same figure on every reading), so they need not add up to their route cell.',
  })
  protection!: RouteProtection;
}

export class RouteCohortDto {
  @ApiProperty() cohort!: number;
  @ApiProperty({ type: DefinitionReferenceDto }) definitionSet!: DefinitionReferenceDto;
  @ApiProperty() suppressionK!: number;
  @ApiProperty({ type: RouteCellDto, description: 'The cohort total: the enrolments of the cohort, as in the alumni view (the region: every supplier).' }) total!: RouteCellDto;
  @ApiProperty({ type: RouteCellDto, isArray: true, description: 'Per prior diploma type, then per first level, then per next step (depth first).' }) cells!: RouteCellDto[];
}

export class RoutesDto {
  @ApiProperty() region!: string;
  @ApiProperty({ enum: ['supplier', 'region'], description: 'supplier: the pupils of the calling school; region: every member school (coordinators).' }) scope!: 'supplier' | 'region';
  @ApiPropertyOptional({ type: String, nullable: true, description: 'BRIN of the supplying school; null for the region.' }) institution!: string | null;
  @ApiProperty({ type: RouteCohortDto, isArray: true }) cohorts!: RouteCohortDto[];
}
