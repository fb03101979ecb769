import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateEnum, ValidateQueryInt, ValidateString } from 'src/common/property.decorators';
import { REGION_CODE_PATTERN } from 'src/institutions/dto/institution.dto';
import { DefinitionReferenceDto } from 'src/outcomes/dto/definition.dto';
import { QUESTIONNAIRES, SURVEY_ITEM_IDS, SurveyItemId } from 'src/records/questionnaires';

export const OUTCOME_GROUPS = ['stayed', 'switched', 'left'] as const;
export type OutcomeGroup = (typeof OUTCOME_GROUPS)[number];
export const SURVEY_PROTECTIONS = ['perturbed', 'suppressed'] as const;
const VERSIONS = QUESTIONNAIRES.map((questionnaire) => questionnaire.version);

class LocalisedDto {
  @ApiProperty() nl!: string;
  @ApiProperty() en!: string;
}

export class QuestionnaireItemDto {
  @ApiProperty({ enum: SURVEY_ITEM_IDS, description: 'The JSON property of the answer.' }) id!: SurveyItemId;
  @ApiProperty({ description: 'The CSV column of the answer.' }) csv!: string;
  @ApiProperty({ description: 'The statement in Dutch, as put to the former pupil.' }) nl!: string;
  @ApiProperty({ description: 'The statement in English.' }) en!: string;
}

class ScaleDto {
  @ApiProperty({ example: 1 }) min!: number;
  @ApiProperty({ example: 5 }) max!: number;
  @ApiProperty({ type: String, isArray: true, description: 'The labels of 1 … 5 in Dutch.' }) nl!: string[];
  @ApiProperty({ type: String, isArray: true }) en!: string[];
}

export class QuestionnaireDto {
  @ApiProperty({ example: 'alumni-1' }) version!: string;
  @ApiProperty({ type: LocalisedDto }) title!: LocalisedDto;
  @ApiProperty({ type: LocalisedDto, description: 'When it is held and whom it asks.' }) timing!: LocalisedDto;
  @ApiProperty({ type: ScaleDto }) scale!: ScaleDto;
  @ApiProperty({ type: QuestionnaireItemDto, isArray: true, description: 'Every item is optional (blank = not answered); no free text.' }) items!: QuestionnaireItemDto[];
}

export class QuestionnaireListDto {
  @ApiProperty({ type: QuestionnaireDto, isArray: true }) items!: QuestionnaireDto[];
}

export class SurveyFiguresQueryDto {
  @ValidateString({ optional: true, maxLength: 32, pattern: REGION_CODE_PATTERN, description: 'Region code; may be left out when the institution belongs to one region.' })
  region?: string;

  @ValidateEnum(VERSIONS, { optional: true, description: 'Questionnaire version (default alumni-1).' })
  questionnaire?: string;

  @ValidateQueryInt({ optional: true, min: 2001, max: 2100, description: 'A closed survey year (default: the latest with answers); it asks the pupils of cohort surveyYear − 1.' })
  surveyYear?: number;
}

export class SurveyMeanDto {
  @ApiProperty({ enum: SURVEY_ITEM_IDS }) item!: SurveyItemId;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Mean answer (1–5, 1 decimal) from a perturbed sum over a perturbed count; null when withheld.' }) mean!: number | null;
}

export class SurveyReceiverDto {
  @ApiProperty() brin!: string;
  @ApiProperty() name!: string;
}

export class SurveyCellDto {
  @ApiPropertyOptional({ enum: OUTCOME_GROUPS, nullable: true, description: 'stayed (still in the programme, or its diploma), switched (another programme at the same institution), left (left the institution: uitval or a switch elsewhere, one group because which of the two depends on records of other institutions); null outside the outcome table.' })
  group!: OutcomeGroup | null;
  @ApiPropertyOptional({ type: SurveyReceiverDto, nullable: true, description: 'The receiving institution of the pupils; null outside the receiver table.' }) receiver!: SurveyReceiverDto | null;
  @ApiProperty({ description: 'What the row is called in the web report.' }) label!: string;
  @ApiProperty({
    enum: SURVEY_PROTECTIONS,
    description: 'perturbed: every count carries cell-key noise of at most ±3 and every mean comes from a perturbed sum; suppressed: fewer than k former pupils or respondents could be in the cell, every figure null.',
  })
  protection!: (typeof SURVEY_PROTECTIONS)[number];
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Former pupils of the cohort in the cell (±3).' }) formerPupils!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Of them, those the school uploaded answers for (±3).' }) respondents!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'respondents ÷ formerPupils (0–1, 2 decimals).' }) responseRate!: number | null;
  @ApiProperty({ type: SurveyMeanDto, isArray: true }) means!: SurveyMeanDto[];
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'How far the noise can move a mean of this cell (the sum\'s noise bound over the respondents), e.g. 0.7: read a mean as ± this.' })
  meanMargin!: number | null;
}

export class SurveyFiguresDto {
  @ApiProperty() region!: string;
  @ApiProperty({ description: 'The supplying school (BRIN).' }) institution!: string;
  @ApiProperty({ example: 'alumni-1' }) questionnaire!: string;
  @ApiProperty({ type: Number, isArray: true, description: 'Closed survey years with answers of this school.' }) surveyYears!: number[];
  @ApiProperty({ description: 'The survey year taking answers now; its figures are published once it closes (31 July).' }) openSurveyYear!: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) surveyYear!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'The follow-up cohort the survey asks: surveyYear − 1. Outcome groups as in the school\'s figures for it.' }) cohort!: number | null;
  @ApiPropertyOptional({ type: DefinitionReferenceDto, nullable: true }) definitionSet!: DefinitionReferenceDto | null;
  @ApiProperty({ description: 'The threshold k of the definition set.' }) suppressionK!: number;
  @ApiPropertyOptional({ type: SurveyCellDto, nullable: true, description: 'All former pupils of the cohort.' }) total!: SurveyCellDto | null;
  @ApiProperty({ type: SurveyCellDto, isArray: true }) byOutcome!: SurveyCellDto[];
  @ApiProperty({ type: SurveyCellDto, isArray: true }) byReceiver!: SurveyCellDto[];
}
