import type { RecordSector } from 'src/programmes/programme-codes';

/** Which programmes exist, per sector: what an upload's programme codes are checked against. */
export interface ProgrammeCatalogue {
  has(sector: RecordSector, code: string): boolean;
}

/** The catalogue of every (sector, code) loaded. */
export class CodeCatalogue implements ProgrammeCatalogue {
  private readonly bySector: Record<RecordSector, Set<string>> = { mbo: new Set(), hbo: new Set(), wo: new Set() };

  constructor(rows: Array<{ sector: RecordSector; code: string }>) {
    for (const row of rows) this.bySector[row.sector]?.add(row.code);
  }

  has(sector: RecordSector, code: string): boolean {
    return this.bySector[sector].has(code);
  }
}
