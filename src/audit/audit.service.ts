import { Injectable } from '@nestjs/common';
import { AuditEntryDto, AuditQueryDto } from 'src/audit/dto/audit.dto';
import { AuditReadScope, AuditRepository } from 'src/audit/audit.repository';
import { Principal } from 'src/auth/scopes';
import { Page, page } from 'src/common/paging';

@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  /** Admins read everything; a coordinator the region's entries; an institution its own. */
  async list(auth: Principal, query: AuditQueryDto): Promise<Page<AuditEntryDto>> {
    const { items, total } = await this.repository.list(
      this.scopeOf(auth),
      { since: query.since ? new Date(query.since) : undefined, until: query.until ? new Date(query.until) : undefined },
      query.limit,
      query.offset,
    );
    return page(items.map((item) => ({ ...item })), total, query);
  }

  private scopeOf(auth: Principal): AuditReadScope {
    switch (auth.kind) {
      case 'platform':
        return { all: true };
      case 'region':
        return { regionId: auth.regionId! };
      case 'institution':
        return { institutionId: auth.institutionId! };
    }
  }
}
