import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from 'src/access/authenticated.decorator';
import { ClientsService } from 'src/auth/clients.service';
import { ClientDto, ClientIdParamDto, ClientPageDto, ClientWithSecretDto, CreateClientDto } from 'src/auth/dto/client.dto';
import { Page, PageQueryDto } from 'src/common/paging';

@ApiTags('clients')
@Controller('clients')
@Authenticated({ scope: 'platform:admin' })
export class ClientsController {
  constructor(private readonly service: ClientsService) {}

  @Post()
  @ApiCreatedResponse({ type: ClientWithSecretDto })
  createClient(@Body() dto: CreateClientDto): Promise<ClientWithSecretDto> {
    return this.service.createClient(dto);
  }

  @Get()
  @ApiOkResponse({ type: ClientPageDto })
  listClients(@Query() query: PageQueryDto): Promise<Page<ClientDto>> {
    return this.service.listClients(query);
  }

  @Get(':clientId')
  @ApiOkResponse({ type: ClientDto })
  getClient(@Param() params: ClientIdParamDto): Promise<ClientDto> {
    return this.service.getClient(params.clientId);
  }

  @Post(':clientId/rotate-secret')
  @HttpCode(200)
  @ApiOkResponse({ type: ClientWithSecretDto })
  rotateClientSecret(@Param() params: ClientIdParamDto): Promise<ClientWithSecretDto> {
    return this.service.rotateSecret(params.clientId);
  }

  @Post(':clientId/revoke')
  @HttpCode(200)
  @ApiOkResponse({ type: ClientDto })
  revokeClient(@Param() params: ClientIdParamDto): Promise<ClientDto> {
    return this.service.revoke(params.clientId);
  }
}
