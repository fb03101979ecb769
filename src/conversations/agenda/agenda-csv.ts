import { CsvRow } from 'src/common/csv-export';
import { authorText, ownerText } from 'src/conversations/conversation-presenter';
import { AgendaDto, AgendaItemDto } from 'src/conversations/agenda/agenda.dto';

const itemColumns = (item: AgendaItemDto): CsvRow => ({
  kind: item.kind,
  region: item.region,
  title: item.title,
  supplier: item.cell.supplier?.brin ?? null,
  receiver: item.cell.receiver?.brin ?? null,
  sector: item.cell.sector,
  programme: item.cell.programme,
  cohort: item.cell.cohort,
  metric: item.cell.metric,
  status: item.status,
  date: item.at,
  href: item.href,
});

const NO_ACTION: CsvRow = { action: null, owner: null, dueDate: null, due: null, author: null };

/**
 * GET /v1/agenda as CSV: one row per item, and for a conversation one row per open action (the
 * item's columns repeated). No figures: a signal is named by type, metric, cohort and cell. Text
 * cells are neutralised against formula injection by the CSV export.
 */
export function agendaToCsv(agenda: AgendaDto): CsvRow[] {
  return agenda.items.flatMap((item) => {
    const actions = item.conversation?.openActions ?? [];
    if (actions.length === 0) return [{ ...itemColumns(item), ...NO_ACTION }];
    return actions.map((action) => ({
      ...itemColumns(item),
      action: action.text,
      owner: ownerText(action.owner),
      dueDate: action.dueDate,
      due: action.due,
      author: authorText(action.author),
    }));
  });
}
