import { ValidateBrin, ValidateString } from 'src/common/property.decorators';
import { REGION_CODE_PATTERN } from 'src/institutions/dto/institution.dto';

export class RegionCodeParamDto {
  @ValidateString({ maxLength: 32, pattern: REGION_CODE_PATTERN })
  code!: string;
}

export class BrinParamDto {
  @ValidateBrin()
  brin!: string;
}

export class RegionMemberParamDto extends RegionCodeParamDto {
  @ValidateBrin()
  brin!: string;
}
