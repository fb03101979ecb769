import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuditEntryDto, AuditPageDto, AuditQueryDto } from 'src/audit/dto/audit.dto';
import { AuditService } from 'src/audit/audit.service';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { Page } from 'src/common/paging';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly service: AuditService) {}

  @Get()
  @Authenticated({ scope: 'audit:read' })
  @ApiOkResponse({ type: AuditPageDto })
  listAuditEntries(@Auth() auth: Principal, @Query() query: AuditQueryDto): Promise<Page<AuditEntryDto>> {
    return this.service.list(auth, query);
  }
}
