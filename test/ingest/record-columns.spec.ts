import { readFileSync } from 'node:fs';
import { getMetadataArgsStorage } from 'typeorm';
import { RECORD_COLUMNS_PATH, renderRecordColumns } from 'scripts/generate-record-docs';
import { EnrolmentEntity } from 'src/ingest/enrolment.entity';
import { ENROLMENTS } from 'src/ingest/kinds/enrolments';
import { LEAVERS } from 'src/ingest/kinds/leavers';
import { LeaverEntity } from 'src/ingest/leaver.entity';

describe('the field tables of the record kinds', () => {
  it('store every value in a column of the kind’s entity', () => {
    for (const [kind, entity] of [
      [ENROLMENTS, EnrolmentEntity],
      [LEAVERS, LeaverEntity],
    ] as const) {
      const columns = getMetadataArgsStorage()
        .columns.filter((column) => column.target === entity)
        .map((column) => column.options.name ?? column.propertyName);
      expect(columns).toEqual(expect.arrayContaining(kind.columns.map((column) => column.column)));
    }
  });

  it('docs/record-columns.md is what they generate (npm run docs:records)', () => {
    expect(readFileSync(RECORD_COLUMNS_PATH, 'utf8')).toBe(renderRecordColumns());
  });
});
