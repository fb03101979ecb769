import { BreakdownColumn, LeaverRow } from 'src/insights/insights.repository';
import { DoorstroomDto, FlowNodeDto } from 'src/insights/dto/insights.dto';
import { Dimension } from 'src/outcomes/disclosure/cells';
import { OwnPart, perturbedContinued, perturbOwnSplit } from 'src/outcomes/disclosure/pooled-split';
import { Counts, Protection } from 'src/outcomes/figures';
import { DefinitionSetEntity } from 'src/outcomes/definition-set.entity';
import { toDefinitionReference } from 'src/outcomes/definitions.service';

/*
 * The pieces every insights view is built from: the outcomes a flow shows, how a breakdown maps
 * onto the disclosure engine's dimensions, the protected split of switch and uitval, and the
 * region's definition sets. Pure: no SQL and no access decisions.
 */

export const DEFAULT_WINDOW = 10;
export const OUTCOMES: Array<{ key: keyof Counts; id: string; label: string }> = [
  { key: 'nEnrolled', id: 'outcome:enrolled', label: 'Ingeschreven (jaar 2)' },
  { key: 'nDiploma', id: 'outcome:diploma', label: 'Diploma' },
  { key: 'nSwitchInternal', id: 'outcome:switch_internal', label: 'Switch intern' },
  { key: 'nSwitchExternal', id: 'outcome:switch_external', label: 'Switch extern' },
  { key: 'nUitval', id: 'outcome:uitval', label: 'Uitval' },
];
/** Where an institution's flow link is a piece of a cell and the split cannot be shown: switch extern and uitval together. */
export const LEFT_OUTCOME = { id: 'outcome:left', label: 'Vertrokken (switch extern of uitval)' };

/** The dimension of the disclosure engine that a breakdown groups by. */
export const DIMENSION_OF: Record<BreakdownColumn, Dimension> = {
  receiver: 'receiver',
  supplier: 'supplier',
  sector: 'sector',
  programme: 'programme',
  vestiging: 'vestiging',
  diplomaType: 'prior',
  level: 'level',
};

/** What a programme level is called in the views (entree = mbo 1). */
export const LEVEL_LABELS: Record<string, string> = { '1': 'Entree (mbo 1)', '2': 'mbo 2', '3': 'mbo 3', '4': 'mbo 4', ad: 'Associate degree', bachelor: 'Bachelor', master: 'Master', '': 'Niveau onbekend' };

/** Counts as a reader may see them, and how they were protected. */
export interface ProtectedCounts {
  counts: Counts;
  protection: Protection;
}

/**
 * The split between switch (external) and uitval of a cell as a reader may see it: exact where
 * the reader could move none of it (a coordinator); perturbed where its own part is one whole
 * supplier × receiver cell (the same noise wherever that cell appears); withheld otherwise.
 */
export const splitFor = (counts: Counts, own: OwnPart, ownIsWholeCell: boolean): ProtectedCounts => {
  if (own.n === 0) return { counts, protection: 'published' };
  if (ownIsWholeCell) return { counts: perturbOwnSplit(counts, own), protection: 'perturbed' };
  return { counts, protection: 'split-withheld' };
};

export type Labeller = (key: string) => { key: string; label: string };

export const SUPPRESSED_NODE: FlowNodeDto = { id: 'suppressed', label: 'Overig (kleine aantallen)', kind: 'suppressed' };

/** Definition sets of a region, by id, with the helpers every view needs. */
export class Definitions {
  constructor(private readonly byId: Map<string, DefinitionSetEntity>, private readonly fallback: DefinitionSetEntity) {}

  of(id: string | undefined): DefinitionSetEntity {
    return (id ? this.byId.get(id) : undefined) ?? this.fallback;
  }

  /** The definition set a cohort is computed with, from the rows that carry it. */
  forCohort(rows: Array<{ definitionSetId: string }>): DefinitionSetEntity {
    return this.of(rows[0]?.definitionSetId);
  }

  references(ids: Iterable<string>) {
    return [...new Set(ids)].map((id) => toDefinitionReference(this.of(id)));
  }

  /** Cohorts where the definition set differs from the previous cohort's. */
  static breaks(points: Array<{ cohort: number; definitionSetId: string }>): number[] {
    const sorted = [...points].sort((a, b) => a.cohort - b.cohort);
    return sorted.filter((point, index) => index > 0 && point.definitionSetId !== sorted[index - 1].definitionSetId).map((point) => point.cohort);
  }
}

/** Rows per cohort, in cohort order. */
export function groupByCohort<T extends { cohort: number }>(rows: T[]): Map<number, T[]> {
  const grouped = new Map<number, T[]>();
  for (const row of rows) {
    const cohortRows = grouped.get(Number(row.cohort));
    if (cohortRows) cohortRows.push(row);
    else grouped.set(Number(row.cohort), [row]);
  }
  return new Map([...grouped.entries()].sort((a, b) => a[0] - b[0]));
}

/** A school year's leavers as the school may read them: below k withheld, whether they continued perturbed. */
export function doorstroomFigures(row: LeaverRow, k: number): DoorstroomDto {
  const suppressed = row.nLeavers > 0 && row.nLeavers < k;
  const continued = perturbedContinued(row.nContinued, row.nLeavers, row.key);
  return {
    schoolYear: row.schoolYear,
    leavers: suppressed ? null : row.nLeavers,
    continued: suppressed ? null : continued,
    rate: suppressed || row.nLeavers === 0 ? null : Math.round((continued / row.nLeavers) * 10_000) / 10_000,
    suppressed,
    protection: suppressed ? 'suppressed' : 'perturbed',
  };
}
