import { PageQueryDto } from 'src/common/paging';
import { ValidateEnum, ValidateQueryInt, ValidateRecordId, ValidateString } from 'src/common/property.decorators';
import { PROGRAMME_CODE_PATTERN } from 'src/programmes/programme-codes';

/** Sort keys of record lists; `-` sorts descending. The id breaks ties. */
export const ENROLMENT_SORTS = ['id', '-id', 'startDate', '-startDate', 'cohort', '-cohort', 'updatedAt', '-updatedAt'] as const;
export type EnrolmentSort = (typeof ENROLMENT_SORTS)[number];
export const LEAVER_SORTS = ['id', '-id', 'schoolYear', '-schoolYear', 'updatedAt', '-updatedAt'] as const;
export type LeaverSort = (typeof LEAVER_SORTS)[number];

const PSEUDONYM_FILTER = 'Only records of this pseudonym (64 lowercase hexadecimal characters).';

export class EnrolmentQueryDto extends PageQueryDto {
  @ValidateEnum(ENROLMENT_SORTS, { optional: true, description: 'Sort key; `-` for descending. Default `id`.' })
  sort?: EnrolmentSort;

  @ValidateQueryInt({ min: 2000, max: 2100, optional: true, description: 'Only this cohort.' })
  cohort?: number;

  // Checked by the service, which explains a value that looks like a raw identifier.
  @ValidateString({ maxLength: 128, optional: true, description: PSEUDONYM_FILTER })
  pseudonym?: string;

  @ValidateString({ minLength: 5, maxLength: 5, pattern: PROGRAMME_CODE_PATTERN, optional: true, description: 'Only this programme.' })
  programmeCode?: string;
}

export class LeaverQueryDto extends PageQueryDto {
  @ValidateEnum(LEAVER_SORTS, { optional: true, description: 'Sort key; `-` for descending. Default `id`.' })
  sort?: LeaverSort;

  @ValidateQueryInt({ min: 2000, max: 2100, optional: true, description: 'Only this school year.' })
  schoolYear?: number;

  @ValidateString({ maxLength: 128, optional: true, description: PSEUDONYM_FILTER })
  pseudonym?: string;
}

export class RecordIdParamDto {
  @ValidateRecordId()
  id!: string;
}
