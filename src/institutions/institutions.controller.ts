import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { Page, PageQueryDto } from 'src/common/paging';
import {
  CreateInstitutionDto,
  CreateRegionDto,
  InstitutionDto,
  InstitutionPageDto,
  MembershipDto,
  MembershipListDto,
  MembershipRequestDto,
  RegionDto,
  RegionPageDto,
  UpdateInstitutionDto,
  UpdateRegionDto,
} from 'src/institutions/dto/institution.dto';
import { InstitutionsService } from 'src/institutions/institutions.service';
import { BrinParamDto, RegionCodeParamDto, RegionMemberParamDto } from 'src/institutions/dto/params.dto';

@ApiTags('regions')
@Controller('regions')
export class RegionsController {
  constructor(private readonly service: InstitutionsService) {}

  @Post()
  @Authenticated({ scope: 'platform:admin' })
  @ApiOkResponse({ type: RegionDto })
  createRegion(@Body() dto: CreateRegionDto): Promise<RegionDto> {
    return this.service.createRegion(dto);
  }

  @Get()
  @Authenticated({ scope: ['platform:admin', 'region:admin', 'insights:read', 'records:read'] })
  @ApiOkResponse({ type: RegionPageDto })
  listRegions(@Auth() auth: Principal, @Query() query: PageQueryDto): Promise<Page<RegionDto>> {
    return this.service.listRegions(auth, query);
  }

  @Get(':code')
  @Authenticated({ scope: ['platform:admin', 'region:admin', 'insights:read', 'records:read'] })
  @ApiOkResponse({ type: RegionDto })
  getRegion(@Auth() auth: Principal, @Param() params: RegionCodeParamDto): Promise<RegionDto> {
    return this.service.getRegion(auth, params.code);
  }

  @Patch(':code')
  @Authenticated({ scope: 'platform:admin' })
  @ApiOkResponse({ type: RegionDto })
  updateRegion(@Param() params: RegionCodeParamDto, @Body() dto: UpdateRegionDto): Promise<RegionDto> {
    return this.service.updateRegion(params.code, dto);
  }

  @Get(':code/members')
  @Authenticated({ scope: ['platform:admin', 'region:admin'] })
  @ApiOkResponse({ type: MembershipListDto })
  listMembers(@Auth() auth: Principal, @Param() params: RegionCodeParamDto): Promise<MembershipListDto> {
    return this.service.listMemberships(auth, params.code);
  }

  @Put(':code/members/:brin')
  @Authenticated({ scope: 'platform:admin' })
  @ApiOkResponse({ type: MembershipDto })
  putMember(@Param() params: RegionMemberParamDto, @Body() dto: MembershipRequestDto): Promise<MembershipDto> {
    return this.service.putMembership(params.code, params.brin, dto);
  }

  @Delete(':code/members/:brin')
  @HttpCode(204)
  @Authenticated({ scope: 'platform:admin' })
  @ApiNoContentResponse()
  deleteMember(@Param() params: RegionMemberParamDto): Promise<void> {
    return this.service.deleteMembership(params.code, params.brin);
  }
}

@ApiTags('institutions')
@Controller('institutions')
export class InstitutionsController {
  constructor(private readonly service: InstitutionsService) {}

  @Post()
  @Authenticated({ scope: 'platform:admin' })
  @ApiOkResponse({ type: InstitutionDto })
  createInstitution(@Body() dto: CreateInstitutionDto): Promise<InstitutionDto> {
    return this.service.createInstitution(dto);
  }

  @Get()
  @Authenticated({ scope: 'platform:admin' })
  @ApiOkResponse({ type: InstitutionPageDto })
  listInstitutions(@Query() query: PageQueryDto): Promise<Page<InstitutionDto>> {
    return this.service.listInstitutions(query);
  }

  @Get(':brin')
  @Authenticated({ scope: ['platform:admin', 'records:read', 'records:write', 'insights:read'] })
  @ApiOkResponse({ type: InstitutionDto })
  getInstitution(@Auth() auth: Principal, @Param() params: BrinParamDto): Promise<InstitutionDto> {
    return this.service.getInstitution(auth, params.brin);
  }

  @Patch(':brin')
  @Authenticated({ scope: 'platform:admin' })
  @ApiOkResponse({ type: InstitutionDto })
  updateInstitution(@Param() params: BrinParamDto, @Body() dto: UpdateInstitutionDto): Promise<InstitutionDto> {
    return this.service.updateInstitution(params.brin, dto);
  }
}
