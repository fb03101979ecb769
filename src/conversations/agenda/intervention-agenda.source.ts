import { Injectable } from '@nestjs/common';
import { Principal } from 'src/access/principal';
import { AgendaOptions, AgendaSource, MAX_ITEMS_PER_SOURCE } from 'src/conversations/agenda/agenda-source';
import { AgendaItemDto } from 'src/conversations/agenda/agenda.dto';
import { InterventionDto } from 'src/interventions/dto/intervention.dto';
import { InterventionsService } from 'src/interventions/interventions.service';

/**
 * The caller's active interventions whose review date is on or before the meeting
 * (`InterventionsService.dueForReview`: its parties and the region's coordinators), soonest
 * review first. The item names the intervention, not its effect: the figures are on its page.
 */
@Injectable()
export class InterventionAgendaSource implements AgendaSource {
  readonly kind = 'intervention' as const;

  constructor(private readonly interventions: InterventionsService) {}

  async items(auth: Principal, options: AgendaOptions): Promise<AgendaItemDto[]> {
    const due = (await this.interventions.dueForReview(auth, options.dueBy)).filter((item) => options.region === undefined || item.region === options.region);
    return due.slice(0, MAX_ITEMS_PER_SOURCE).map((intervention) => ({
      kind: this.kind,
      at: new Date(intervention.updatedAt).toISOString(),
      region: intervention.region,
      title: intervention.title,
      href: `/v1/interventions/${intervention.id}`,
      cell: cellOf(intervention),
      status: 'review-due',
      intervention,
    }));
  }
}

/** The cell an intervention is about, as the agenda names cells: its one supplier × receiver cell, or its suppliers' sector. */
function cellOf(intervention: InterventionDto): AgendaItemDto['cell'] {
  const { target } = intervention;
  const single = target.kind === 'cells' && target.cells.length === 1 ? target.cells[0] : undefined;
  const supplier = single?.supplier ?? (target.suppliers.length === 1 ? target.suppliers[0] : null);
  return {
    kind: single ? 'supplier_receiver' : 'supplier_sector',
    supplier: supplier ?? null,
    receiver: single?.receiver ?? null,
    sector: target.sector,
    programme: target.programmes.length === 1 ? target.programmes[0] : null,
    cohort: intervention.firstCohort,
    metric: intervention.metric,
  };
}
