// The flows of a cohort as a Sankey diagram: supplier → receiver (or sector) → outcome after year 1.

import { chartFigure, dataTable, sankeyOption, suppressedLegend } from './charts';
import { definitionNote } from './definitions';
import { formatNumber, hasMessage, t } from './i18n';
import type { Flows, FlowNode } from './types';

export function nodeLabel(node: FlowNode, k: number): string {
  if (node.kind === 'suppressed') return t('suppressed.label', { k });
  const key = `outcome.${node.id}`;
  if (node.kind === 'outcome' && hasMessage(key)) return t(key);
  return node.label;
}

/** Only the flows through one sector (a `via=sector` answer); merged small flows cannot be attributed and are left out. */
export function filterSector(flows: Flows, sector: string): Flows {
  const through = `sector:${sector}`;
  const links = flows.links.filter((link) => link.target === through || link.source === through);
  const used = new Set(links.flatMap((link) => [link.source, link.target]));
  return { ...flows, links, nodes: flows.nodes.filter((node) => used.has(node.id)) };
}

export function flowsFigure(flows: Flows, k: number, title: string, via: 'receiver' | 'sector'): HTMLElement {
  const byId = new Map(flows.nodes.map((node) => [node.id, node]));
  const label = (id: string): string => {
    const node = byId.get(id);
    return node ? nodeLabel(node, k) : id;
  };
  const total = flows.links.filter((link) => byId.get(link.source)?.kind === 'supplier').reduce((sum, link) => sum + link.value, 0);
  const hasSuppressed = flows.nodes.some((node) => node.kind === 'suppressed');
  const table = dataTable(
    title,
    [t('table.source'), t('table.target'), t('table.students')],
    flows.links.map((link) => [label(link.source), label(link.target), formatNumber(link.value)]),
  );
  for (const [index, row] of Array.from(table.tBodies[0]!.rows).entries()) {
    const link = flows.links[index]!;
    row.dataset.source = link.source;
    row.dataset.target = link.target;
    row.dataset.value = String(link.value);
  }
  const height = Math.max(320, Math.min(900, flows.nodes.length * 26));
  return chartFigure({
    name: 'flows',
    title,
    summary: t('chart.summarySankey', { total: formatNumber(total), via: t(via === 'sector' ? 'via.sector' : 'via.receiver').toLowerCase() }),
    option: flows.links.length > 0 ? sankeyOption(flows.nodes.map((node) => ({ id: node.id, label: nodeLabel(node, k), suppressed: node.kind === 'suppressed' })), flows.links, k) : null,
    table,
    notes: [definitionNote([flows.definitionSet]), hasSuppressed ? suppressedLegend(k) : null],
    height,
  });
}
