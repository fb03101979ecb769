import { ApiProperty } from '@nestjs/swagger';
import { ArrayMinSize, IsArray } from 'class-validator';
import { ValidateInt, ValidateString } from 'src/common/property.decorators';
import { MAX_BATCH_RECORDS } from 'src/records/codes';
import { LIKERT_MAX, LIKERT_MIN, QUESTIONNAIRES } from 'src/records/questionnaires';
import { PSEUDONYM_PATTERN } from 'src/pseudonyms/pseudonym';

const answer = (text: string): string => `${text} ${LIKERT_MIN}–${LIKERT_MAX}; leave it out (or null) when not answered.`;
const items = QUESTIONNAIRES[0].items;

/** One former pupil's answers to an alumni questionnaire (GET /v1/surveys/questionnaires); checked by the ingest validator. */
export class SurveyRecordDto {
  @ValidateString({ minLength: 64, maxLength: 64, pattern: PSEUDONYM_PATTERN, description: 'The former pupil: hex(HMAC-SHA256(K, id)), 64 lowercase hexadecimal characters; a raw BSN or onderwijsnummer is refused.' })
  pseudonym!: string;

  @ValidateString({ maxLength: 16, pattern: /^[a-z0-9-]+$/, description: `The questionnaire version: ${QUESTIONNAIRES.map((questionnaire) => questionnaire.version).join(', ')}.`, example: 'alumni-1' })
  questionnaire!: string;

  @ValidateInt({ min: 2001, max: 2100, description: 'The school year the survey was held (2025 = 2025-26); it asks the pupils who started follow-up education the year before.' })
  surveyYear!: number;

  @ValidateInt({ optional: true, min: LIKERT_MIN, max: LIKERT_MAX, description: answer(items[0].en) })
  choicePreparation?: number;

  @ValidateInt({ optional: true, min: LIKERT_MIN, max: LIKERT_MAX, description: answer(items[1].en) })
  studySkills?: number;

  @ValidateInt({ optional: true, min: LIKERT_MIN, max: LIKERT_MAX, description: answer(items[2].en) })
  subjectContent?: number;

  @ValidateInt({ optional: true, min: LIKERT_MIN, max: LIKERT_MAX, description: answer(items[3].en) })
  transition?: number;
}

export class SurveyBatchDto {
  @ApiProperty({
    type: SurveyRecordDto,
    isArray: true,
    minItems: 1,
    maxItems: MAX_BATCH_RECORDS,
    description: `1 to ${MAX_BATCH_RECORDS.toLocaleString('en')} rows of answers; more answers 413. All-or-nothing: a property, version or value that is not on the questionnaire refuses the batch, with a JSON pointer to every error.`,
  })
  @IsArray()
  @ArrayMinSize(1)
  records!: unknown[];
}
