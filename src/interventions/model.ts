/** The kinds of intervention a region registers (the seed documents' step 3). */
export const INTERVENTION_TYPES = [
  'lob-programme',
  'study-skills',
  'keuzedeel-voorbereiding-hbo',
  'first-100-days',
  'doorlopende-leerroute',
  'subject-alignment',
  'mentoring',
  'other',
] as const;
export type InterventionType = (typeof INTERVENTION_TYPES)[number];

/** The metric an intervention should move: the metrics of the trendbreuk alerts. */
export const INTERVENTION_METRICS = ['uitval', 'switch', 'enrolledYear2', 'diplomaYear1'] as const;
export type InterventionMetric = (typeof INTERVENTION_METRICS)[number];

export const INTERVENTION_DIRECTIONS = ['decrease', 'increase'] as const;
export type InterventionDirection = (typeof INTERVENTION_DIRECTIONS)[number];

export const INTERVENTION_STATES = ['active', 'withdrawn'] as const;
export type InterventionState = (typeof INTERVENTION_STATES)[number];

export const SECTORS = ['mbo', 'hbo', 'wo'] as const;
export type Sector = (typeof SECTORS)[number];

/**
 * What an intervention targets, as stored (institution ids): supplier × receiver cells; or a
 * sector or programmes, with the supplying schools whose pupils it reaches. The effect is
 * measured on whole supplier × receiver cells; a sector or programme target covers the cells of
 * its suppliers with the receivers that teach that sector or those programmes.
 */
export type InterventionTarget =
  | { kind: 'cells'; cells: Array<{ supplierId: string; receiverId: string }> }
  | { kind: 'sector'; sector: Sector; supplierIds: string[] }
  | { kind: 'programmes'; programmes: string[]; supplierIds: string[] };
