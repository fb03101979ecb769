import { Injectable } from '@nestjs/common';
import { AuditEntryDto, AuditQueryDto } from 'src/audit/dto/audit.dto';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { AuditRepository, AuditRow } from 'src/audit/audit.repository';
import { Page, page } from 'src/common/paging';

const toAuditEntryDto = (row: AuditRow): AuditEntryDto => ({
  id: row.id,
  occurredAt: row.occurred_at,
  requestId: row.request_id,
  clientId: row.client_id,
  institutionId: row.institution_id,
  regionId: row.region_id,
  method: row.method,
  route: row.route,
  requiredScope: row.required_scope,
  outcome: row.outcome,
  statusCode: row.status_code,
  target: row.target,
  detail: row.detail,
});

@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly access: AccessService,
  ) {}

  /** Admins read everything; a coordinator the region's entries; an institution its own. */
  async list(auth: Principal, query: AuditQueryDto): Promise<Page<AuditEntryDto>> {
    const { items, total } = await this.repository.list(
      this.access.auditScope(auth),
      { since: query.since ? new Date(query.since) : undefined, until: query.until ? new Date(query.until) : undefined },
      query.limit,
      query.offset,
    );
    return page(items.map(toAuditEntryDto), total, query);
  }
}
