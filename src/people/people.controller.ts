import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { Page, PageQueryDto } from 'src/common/paging';
import {
  CreatedInvitationDto,
  CreateInvitationDto,
  InvitationDto,
  InvitationPageDto,
  PersonDto,
  PersonIdParamDto,
  PersonPageDto,
  RenamePersonDto,
  RoleParamsDto,
  RoleRequestDto,
} from 'src/people/dto/people.dto';
import { PeopleService } from 'src/people/people.service';

/** People who sign in with their school account, and their roles: for platform administrators and a region's coordinators. */
@ApiTags('people')
@Controller('people')
@Authenticated({ scope: ['platform:admin', 'region:admin'] })
export class PeopleController {
  constructor(private readonly service: PeopleService) {}

  @Get()
  @ApiOkResponse({ type: PersonPageDto })
  listPeople(@Auth() auth: Principal, @Query() query: PageQueryDto): Promise<Page<PersonDto>> {
    return this.service.listPeople(auth, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: PersonDto })
  getPerson(@Auth() auth: Principal, @Param() params: PersonIdParamDto): Promise<PersonDto> {
    return this.service.getPerson(auth, params.id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: PersonDto })
  renamePerson(@Auth() auth: Principal, @Param() params: PersonIdParamDto, @Body() dto: RenamePersonDto): Promise<PersonDto> {
    return this.service.renamePerson(auth, params.id, dto.displayName);
  }

  /** Grants a role; a current role of the person on the same tenant is replaced. */
  @Post(':id/roles')
  @ApiCreatedResponse({ type: PersonDto })
  grantRole(@Auth() auth: Principal, @Param() params: PersonIdParamDto, @Body() dto: RoleRequestDto): Promise<PersonDto> {
    return this.service.grant(auth, params.id, dto);
  }

  /** Revokes a role; sessions acting in it end at their next request. */
  @Delete(':id/roles/:roleId')
  @ApiOkResponse({ type: PersonDto })
  revokeRole(@Auth() auth: Principal, @Param() params: RoleParamsDto): Promise<PersonDto> {
    return this.service.revoke(auth, params.id, params.roleId);
  }
}

/** Invitations to a role: a one-time code the invitee follows when signing in. */
@ApiTags('people')
@Controller('invitations')
@Authenticated({ scope: ['platform:admin', 'region:admin'] })
export class InvitationsController {
  constructor(private readonly service: PeopleService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedInvitationDto })
  createInvitation(@Auth() auth: Principal, @Body() dto: CreateInvitationDto): Promise<CreatedInvitationDto> {
    return this.service.invite(auth, dto);
  }

  @Get()
  @ApiOkResponse({ type: InvitationPageDto })
  listInvitations(@Auth() auth: Principal, @Query() query: PageQueryDto): Promise<Page<InvitationDto>> {
    return this.service.listInvitations(auth, query);
  }

  @Delete(':id')
  @ApiOkResponse({ type: InvitationDto })
  revokeInvitation(@Auth() auth: Principal, @Param() params: PersonIdParamDto): Promise<InvitationDto> {
    return this.service.revokeInvitation(auth, params.id);
  }
}
