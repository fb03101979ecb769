import { Inject, Injectable } from '@nestjs/common';
import { Principal } from 'src/access/principal';
import { AGENDA_SOURCES, AgendaSource } from 'src/conversations/agenda/agenda-source';
import { AgendaDto, AgendaQueryDto } from 'src/conversations/agenda/agenda.dto';
import { noteAuditTarget } from 'src/audit/audit-target';

const today = (): string => new Date().toISOString().slice(0, 10);

/**
 * The agenda of the next network meeting for the caller's party: the items of every source
 * (AGENDA_SOURCES), one source after the other in their order, each in its own order.
 */
@Injectable()
export class AgendaService {
  constructor(@Inject(AGENDA_SOURCES) private readonly sources: AgendaSource[]) {}

  async agenda(auth: Principal, query: AgendaQueryDto): Promise<AgendaDto> {
    const dueBy = query.dueBy ?? today();
    const items = [];
    for (const source of this.sources) items.push(...(await source.items(auth, { region: query.region, dueBy })));
    const dueActions = items.reduce((sum, item) => sum + (item.conversation?.openActions.filter((action) => action.due).length ?? 0), 0);
    if (query.region) noteAuditTarget({ region: query.region });
    return { dueBy, generatedAt: new Date().toISOString(), items, dueActions };
  }
}
