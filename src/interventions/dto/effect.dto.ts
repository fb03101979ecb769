import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROTECTIONS, Protection } from 'src/outcomes/figures';

export const EFFECT_STATUSES = ['no-after-cohorts', 'too-few-cohorts', 'too-few-students', 'estimated'] as const;
export const EFFECT_VERDICTS = ['intended-direction', 'opposite-direction', 'no-clear-change'] as const;

export class PooledDto {
  @ApiProperty({ description: 'Students.' }) n!: number;
  @ApiProperty({ description: 'Students with the metric’s outcome.' }) events!: number;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'events / n, 0–1.' }) rate!: number | null;
}

export class DifferenceDto {
  @ApiProperty({ description: 'After minus before (0–1 scale; ×100 for percentage points).' }) estimate!: number;
  @ApiProperty({ description: 'Lower limit of the 95% interval.' }) lower!: number;
  @ApiProperty({ description: 'Upper limit of the 95% interval.' }) upper!: number;
}

export class GroupEffectDto {
  @ApiProperty({ enum: EFFECT_STATUSES }) status!: (typeof EFFECT_STATUSES)[number];
  @ApiProperty({ type: PooledDto }) before!: PooledDto;
  @ApiProperty({ type: PooledDto }) after!: PooledDto;
  @ApiPropertyOptional({ type: DifferenceDto, nullable: true, description: "Risk difference after − before with Newcombe's hybrid score interval (method 10)." }) difference!: DifferenceDto | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: "Fisher's exact test, two-sided, after vs before." }) p!: number | null;
}

export class ComparisonEffectDto extends GroupEffectDto {
  @ApiProperty({ description: 'Comparable cells (same sector, not targeted) the caller can read.' }) cells!: number;
}

export class EffectSeriesGroupDto extends PooledDto {
  @ApiProperty({ description: 'Cells of the group withheld by the disclosure layer in this cohort, left out.' }) cellsWithheld!: number;
}

export class EffectSeriesPointDto {
  @ApiProperty() cohort!: number;
  @ApiProperty({ enum: ['before', 'after', 'outside'], description: 'outside: not pooled (earlier than the before cohorts, or another definition segment).' }) period!: 'before' | 'after' | 'outside';
  @ApiProperty() definitionSetId!: string;
  @ApiProperty({ type: EffectSeriesGroupDto }) targeted!: EffectSeriesGroupDto;
  @ApiProperty({ type: EffectSeriesGroupDto }) comparison!: EffectSeriesGroupDto;
}

export class EffectDto {
  @ApiProperty({ example: 'effect-1.0' }) methodVersion!: string;
  @ApiProperty({ enum: EFFECT_STATUSES, description: 'estimated, or why the data cannot tell yet.' }) status!: (typeof EFFECT_STATUSES)[number];
  @ApiPropertyOptional({ enum: EFFECT_VERDICTS, nullable: true, description: 'Where the interval lies; an association, never a cause.' }) verdict!: (typeof EFFECT_VERDICTS)[number] | null;
  @ApiProperty({ description: 'What the figures say, in plain words.' }) statement!: string;
  @ApiProperty({ enum: PROTECTIONS, description: 'published: exact; perturbed: switch and uitval summed from the perturbed cells the caller reads.' }) protection!: Protection;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The definition set of the pooled cohorts (one segment).' }) definitionSetId!: string | null;
  @ApiProperty({ type: Number, isArray: true }) beforeCohorts!: number[];
  @ApiProperty({ type: Number, isArray: true }) afterCohorts!: number[];
  @ApiProperty({ description: 'Targeted cells the caller reads (an institution: those it is an end of).' }) targetedCells!: number;
  @ApiProperty({ description: 'Targeted cells the caller cannot read (not an end of them), left out.' }) targetedCellsNotReadable!: number;
  @ApiProperty({ description: 'Cell-cohorts of the targeted cells withheld by the disclosure layer, left out.' }) withheldLeftOut!: number;
  @ApiProperty({ type: GroupEffectDto }) targeted!: GroupEffectDto;
  @ApiProperty({ type: ComparisonEffectDto }) comparison!: ComparisonEffectDto;
  @ApiPropertyOptional({ type: DifferenceDto, nullable: true, description: 'Targeted minus comparison difference, 95% interval by MOVER on the two Newcombe intervals.' }) differenceInDifferences!: DifferenceDto | null;
  @ApiProperty({ type: EffectSeriesPointDto, isArray: true }) series!: EffectSeriesPointDto[];
}
