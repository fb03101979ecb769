import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALERT_EVENTS, ALERT_STATES, AlertState, RESOLUTION_REASONS, ResolutionReason, TRIAGE_STATES, TriageState } from 'src/alerts/alert.entity';
import { ALERT_METRICS, ALERT_RULES, ALERT_TYPES, AlertMetric, AlertRule, AlertType, CELL_KINDS, CellKind, Direction } from 'src/alerts/detection/model';
import { PageQueryDto } from 'src/common/paging';
import { AlertReferenceDto } from 'src/references/dto/reference.dto';
import { ValidateBrin, ValidateEnum, ValidateQueryInt, ValidateString, ValidateUuid } from 'src/common/property.decorators';
import { REGION_CODE_PATTERN } from 'src/institutions/dto/institution.dto';
import { DefinitionReferenceDto } from 'src/outcomes/dto/definition.dto';

/** The sort keys of GET /v1/alerts; a leading minus sorts descending; `severity` is the inbox order. */
export const ALERT_SORTS = ['severity', 'updatedAt', '-updatedAt', 'createdAt', '-createdAt', 'cohort', '-cohort', 'p', '-p', 'q', '-q', 'absEffect', '-absEffect'] as const;
export type AlertSort = (typeof ALERT_SORTS)[number];

/** The caller's triage states, and `unresolved` for every state but resolved. */
export const TRIAGE_FILTERS = [...TRIAGE_STATES, 'unresolved'] as const;
export type TriageFilter = (typeof TRIAGE_FILTERS)[number];

export class AlertListQueryDto extends PageQueryDto {
  @ValidateEnum(ALERT_TYPES, {
    optional: true,
    description: 'One type. Without it the list is the inbox: trendbreuk, leveringsbreuk and methodebreuk; `aandacht` is the watch list (`type=aandacht`).',
  })
  type?: AlertType;

  @ValidateEnum(ALERT_STATES, { optional: true, description: "The signal's own state: open, or resolved when a refresh no longer finds its evidence." })
  state?: AlertState;

  @ValidateEnum(TRIAGE_FILTERS, { optional: true, description: "The caller's own triage of the signal; `unresolved` is every state but resolved." })
  triage?: TriageFilter;

  @ValidateQueryInt({ optional: true, min: 2000, max: 2100 })
  cohort?: number;

  @ValidateEnum(ALERT_METRICS, { optional: true })
  metric?: AlertMetric;

  @ValidateEnum(CELL_KINDS, { optional: true })
  cellKind?: CellKind;

  @ValidateBrin({ optional: true, description: 'Only alerts on cells where this institution is the supplier or the receiver.' })
  institution?: string;

  @ValidateString({ optional: true, maxLength: 32, pattern: REGION_CODE_PATTERN, description: 'Region code.' })
  region?: string;

  @ValidateEnum(ALERT_SORTS, {
    optional: true,
    description: 'Sort key (default severity: trendbreuk, leveringsbreuk, methodebreuk, aandacht, then newest cohort and latest change); absEffect is the size of the effect in percentage points.',
  })
  sort?: AlertSort;
}

export class AlertIdParamDto {
  @ValidateUuid()
  id!: string;
}

export class AlertTransitionDto {
  @ValidateString({ minLength: 1, maxLength: 2000, pattern: /\S/, patternMessage: '$property must not be blank', description: 'Why: what was found, agreed or done.' })
  note!: string;
}

export class AlertTriageRequestDto {
  @ValidateEnum(TRIAGE_STATES, { description: "The caller's party's triage of the signal; `new` puts it back as not looked at." })
  state!: TriageState;

  @ValidateString({
    optional: true,
    minLength: 1,
    maxLength: 2000,
    pattern: /\S/,
    patternMessage: '$property must not be blank',
    description: 'What was found, agreed or done; required for resolved.',
  })
  note?: string;
}

/** One party's triage of a signal: its own, not shared with the other parties. */
export class AlertTriageDto {
  @ApiProperty({ enum: TRIAGE_STATES }) state!: TriageState;
  @ApiPropertyOptional({ type: String, nullable: true }) note!: string | null;
  @ApiPropertyOptional({ type: Date, nullable: true }) updatedAt!: Date | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The client id that set it (`person:<id>` for a person).' }) updatedBy!: string | null;
}

export class InstitutionRefDto {
  @ApiProperty() brin!: string;
  @ApiProperty() name!: string;
}

export class AlertCellDto {
  @ApiProperty({ enum: CELL_KINDS }) kind!: CellKind;
  @ApiPropertyOptional({ type: InstitutionRefDto, nullable: true }) supplier!: InstitutionRefDto | null;
  @ApiPropertyOptional({ type: InstitutionRefDto, nullable: true }) receiver!: InstitutionRefDto | null;
  @ApiPropertyOptional({ type: String, nullable: true }) sector!: string | null;
}

export class AlertDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '/v1/alerts/6f1c…' }) href!: string;
  @ApiProperty({ enum: ALERT_TYPES }) type!: AlertType;
  @ApiProperty({ enum: ALERT_STATES, description: "The signal's own state, the same for every party: open, or resolved when a refresh no longer finds its evidence." })
  state!: AlertState;
  @ApiPropertyOptional({ type: AlertTriageDto, description: "The caller's party's triage (in webhook notifications only for a triage by the webhook's owner)." })
  triage?: AlertTriageDto;
  @ApiProperty({ description: 'Region code.' }) region!: string;
  @ApiProperty({ type: AlertCellDto }) cell!: AlertCellDto;
  @ApiProperty({ enum: ALERT_METRICS, description: '`n` for a leveringsbreuk, `definition` for a methodebreuk.' }) metric!: AlertMetric;
  @ApiProperty() cohort!: number;
  @ApiPropertyOptional({ enum: ['up', 'down'], nullable: true }) direction!: Direction | null;
  @ApiProperty({ enum: ALERT_RULES, description: 'What raised the alert.' }) rule!: AlertRule;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Current minus baseline rate, in percentage points.' }) effectPp!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Pooled baseline rate (0–1).' }) baselineRate!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Rate of the cohort (0–1).' }) currentRate!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) nCurrent!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) eventsCurrent!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) nBaseline!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) eventsBaseline!: number | null;
  @ApiProperty({ type: Number, isArray: true, description: 'The cohorts pooled into the baseline.' }) baselineCohorts!: number[];
  @ApiPropertyOptional({ type: Number, nullable: true, description: "Fisher's exact test, two-sided." }) p!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Benjamini–Hochberg adjusted p over every test of the detection run.' }) q!: number | null;
  @ApiProperty({ description: 'True when figures are withheld because a cohort behind them has 0 < n < k.' }) suppressed!: boolean;
  @ApiProperty({ type: Object, description: 'Rule-specific evidence: 95% limits, the consecutive run, supply ratio and baseline median, previous definition set.' })
  details!: Record<string, unknown>;
  @ApiProperty({ example: 'trendbreuk-1.1' }) methodVersion!: string;
  @ApiProperty({ type: Object, description: 'Every method parameter used.' }) parameters!: Record<string, number | boolean>;
  @ApiProperty({ type: DefinitionReferenceDto }) definitionSet!: DefinitionReferenceDto;
  @ApiPropertyOptional({ enum: RESOLUTION_REASONS, nullable: true }) resolutionReason!: ResolutionReason | null;
  @ApiPropertyOptional({ type: Date, nullable: true }) resolvedAt!: Date | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class AlertListDto {
  @ApiProperty({ type: AlertDto, isArray: true }) items!: AlertDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class AlertSeriesPointDto {
  @ApiProperty() cohort!: number;
  @ApiPropertyOptional({ type: DefinitionReferenceDto, nullable: true }) definitionSet!: DefinitionReferenceDto | null;
  @ApiProperty({ description: 'True when 0 < n < k: n, events and rate are withheld.' }) suppressed!: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true }) n!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) events!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) rate!: number | null;
  @ApiProperty({ type: Number, isArray: true }) baselineCohorts!: number[];
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Null when the baseline is not eligible or one of its cohorts is suppressed.' }) baselineN!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) baselineRate!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) baselineMedianN!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Exact binomial 95% funnel limits around the baseline rate.' }) lower95!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) upper95!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Supply limits: supplyLowRatio × and supplyHighRatio × the baseline median n.' }) supplyLow!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) supplyHigh!: number | null;
  @ApiProperty({ description: 'Whether the trend of this cohort was tested.' }) tested!: boolean;
  @ApiPropertyOptional({ enum: ['up', 'down'], nullable: true }) supplyBreak!: Direction | null;
}

export class AlertHistoryDto {
  @ApiProperty() at!: Date;
  @ApiProperty({ enum: ALERT_EVENTS, description: "`triaged`: the caller's party's triage (other parties' triage is not shown); `acknowledged` and a person's `resolved` are from before triage was kept per party." })
  event!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: "The signal's state, or for `triaged` the party's triage state." }) fromState!: string | null;
  @ApiProperty({ type: String }) toState!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) note!: string | null;
  @ApiPropertyOptional({ enum: RESOLUTION_REASONS, nullable: true }) reason!: ResolutionReason | null;
  @ApiProperty({ enum: ['system', 'institution', 'region', 'platform'] }) actorKind!: string;
  @ApiProperty({ description: '`system` for detection, otherwise the client id.' }) actor!: string;
}

export class AlertDetailDto extends AlertDto {
  @ApiProperty({ type: AlertSeriesPointDto, isArray: true, description: 'The cell and metric per cohort, with the baseline and 95% limits of each.' })
  series!: AlertSeriesPointDto[];
  @ApiProperty({ type: AlertHistoryDto, isArray: true }) history!: AlertHistoryDto[];
  @ApiProperty({
    type: AlertReferenceDto,
    isArray: true,
    description:
      'For a trendbreuk or aandacht of the region (all sectors) or of a supplier in one sector: the reference series of the same metric (national, sector) ' +
      'over the alert\'s baseline cohorts and cohort, and whether they moved as the region did. Empty for other cells or without a matching series.',
  })
  references!: AlertReferenceDto[];
}
