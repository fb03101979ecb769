import { MAX_PREPARED_TEXTS, PreparedReads } from 'src/database/prepared-reads';

describe('PreparedReads.nameOf', () => {
  it('names a text by its digest, the same name every time and another for another text', () => {
    const first = PreparedReads.nameOf('SELECT 1 AS one');
    expect(first).toMatch(/^read_[A-Za-z0-9_-]{32}$/);
    expect(PreparedReads.nameOf('SELECT 1 AS one')).toBe(first);
    expect(PreparedReads.nameOf('SELECT 1 AS one ')).not.toBe(first);
  });

  it('prepares at most MAX_PREPARED_TEXTS texts; later ones run unnamed, earlier ones keep their names', () => {
    const first = PreparedReads.nameOf('SELECT 1 AS one');
    for (let index = 0; index < MAX_PREPARED_TEXTS; index++) PreparedReads.nameOf(`SELECT ${index} AS filler`);
    expect(PreparedReads.nameOf('SELECT 2 AS two, 3 AS three')).toBeUndefined();
    expect(PreparedReads.nameOf('SELECT 1 AS one')).toBe(first);
  });
});
