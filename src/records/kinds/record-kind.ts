import type { RecordKindName } from 'src/records/codes';
import type { Reporter, ValidationContext } from 'src/records/kinds/value-checks';

/*
 * A record kind describes itself in one field table: what an uploader sends (JSON property, CSV
 * column, required), where it is stored (table column and array type) and how it is documented.
 * The table drives the row validator's field order, the CSV header, the upsert and the record
 * reads (src/ingest/ingest.repository.ts, records.repository.ts) and the column reference
 * (docs/record-columns.md), and it shapes the chunks the validator fills. A new field touches
 * the table, the kind's validator when it has a rule of its own, the entity and a migration.
 */

/**
 * How a stored value travels to PostgreSQL: the element type of its binary array parameter. A
 * date travels as text and is cast there.
 */
export type ColumnType = 'text' | 'date' | 'int2' | 'int2?' | 'bool';

/** The table column a value is stored in. */
export interface SqlColumn<T extends ColumnType = ColumnType> {
  column: string;
  type: T;
}

export const text = (column: string): SqlColumn<'text'> => ({ column, type: 'text' });
export const date = (column: string): SqlColumn<'date'> => ({ column, type: 'date' });
export const int2 = (column: string): SqlColumn<'int2'> => ({ column, type: 'int2' });
export const bool = (column: string): SqlColumn<'bool'> => ({ column, type: 'bool' });
/** A small integer that may be absent (a survey item left blank). */
export const optionalInt2 = (column: string): SqlColumn<'int2?'> => ({ column, type: 'int2?' });

/** A field the uploader sends. */
export interface RecordField<J extends string = string, S extends SqlColumn | undefined = SqlColumn | undefined> {
  /** JSON property; when the field is stored, also the name of the chunk's column array. */
  json: J;
  /** CSV column. */
  csv: string;
  required: boolean;
  /** Where it is stored; undefined for a field that is only checked. */
  sql: S;
  description: string;
  example: string;
}

/** A value the service derives from the fields and stores beside them. */
export interface DerivedField<J extends string = string, S extends SqlColumn = SqlColumn> {
  json: J;
  sql: S;
  description: string;
}

export type TableEntry = RecordField | DerivedField;

export const field = <J extends string, S extends SqlColumn | undefined>(
  json: J,
  csv: string,
  required: boolean,
  sql: S,
  description: string,
  example: string,
): RecordField<J, S> => ({ json, csv, required, sql, description, example });

export const derived = <J extends string, S extends SqlColumn>(json: J, sql: S, description: string): DerivedField<J, S> => ({ json, sql, description });

const isInput = (entry: TableEntry): entry is RecordField => 'csv' in entry;

/** The fields an uploader sends, in table order: the order of the values the validator reads. */
export const inputFields = <T extends readonly TableEntry[]>(table: T): ReadonlyArray<Extract<T[number], RecordField>> =>
  table.filter((entry): entry is Extract<T[number], RecordField> => isInput(entry));

/** JSON property → its index among the input fields, for the validators (`v[E.startDate]`). */
export const fieldIndexes = <F extends RecordField>(fields: readonly F[]): { readonly [K in F['json']]: number } =>
  Object.fromEntries(fields.map((f, i) => [f.json, i])) as { readonly [K in F['json']]: number };

/** A stored value: its chunk column array (named as its JSON property) and its table column. */
export interface StoredColumn {
  json: string;
  column: string;
  type: ColumnType;
  /** Derived by the service rather than sent. */
  derived: boolean;
}

type Stored<T extends readonly TableEntry[]> = Extract<T[number], { sql: SqlColumn }>;
type ValueOf<T extends ColumnType> = T extends 'int2' ? number : T extends 'int2?' ? number | null : T extends 'bool' ? boolean : string | null;
type IntColumn<T extends readonly TableEntry[]> = Extract<Stored<T>, { sql: SqlColumn<'int2'> }>['json'];

/**
 * The rows of one chunk as column arrays, ready for `unnest`, with the positions of their
 * natural keys: finds a key repeated within the chunk without building a key string per row.
 */
export abstract class KeyedChunk {
  length = 0;
  /** Where each row came from: record index (JSON) or line (CSV). */
  readonly origins: number[] = [];
  /** The column arrays of the natural key; the first (the pseudonym) indexes the rows. */
  protected abstract readonly keyColumns: ReadonlyArray<ReadonlyArray<unknown>>;
  private readonly byFirstKey = new Map<unknown, number | number[]>();

  /** Registers the last row; returns the position of an earlier row with its key, or -1. */
  registerLast(origin: number): number {
    const at = this.length - 1;
    this.origins.push(origin);
    const first = this.keyColumns[0][at];
    const earlier = this.byFirstKey.get(first);
    if (earlier === undefined) {
      this.byFirstKey.set(first, at);
      return -1;
    }
    if (typeof earlier === 'number') {
      if (this.sameKey(earlier, at)) return earlier;
      this.byFirstKey.set(first, [earlier, at]);
      return -1;
    }
    for (const position of earlier) if (this.sameKey(position, at)) return position;
    earlier.push(at);
    return -1;
  }

  /** The natural key of row i as text (to check a JSON batch as a whole). */
  keyOf(i: number): string {
    return this.keyColumns.map((column) => String(column[i])).join('|');
  }

  private sameKey(i: number, j: number): boolean {
    for (const column of this.keyColumns) if (column[i] !== column[j]) return false;
    return true;
  }
}

/** A chunk of a kind: one array per stored value of its table, named as its JSON property. */
export type ChunkOf<T extends readonly TableEntry[]> = KeyedChunk & { readonly [E in Stored<T> as E['json']]: Array<ValueOf<E['sql']['type']>> };

export interface ChunkClass<T extends readonly TableEntry[]> {
  new (): ChunkOf<T>;
  /** The natural key besides the institution, as JSON properties. */
  readonly key: ReadonlyArray<Stored<T>['json']>;
}

/** The chunk class of a table, with its natural key. */
export function chunkClass<T extends readonly TableEntry[]>(entries: T, naturalKey: ReadonlyArray<Stored<T>['json']>): ChunkClass<T> {
  const names = entries.flatMap((entry) => (entry.sql ? [entry.json] : []));
  class Chunk extends KeyedChunk {
    static readonly key = naturalKey;
    protected readonly keyColumns: ReadonlyArray<ReadonlyArray<unknown>>;

    constructor() {
      super();
      // Every chunk of the kind gets its arrays in the same order, so they share one shape.
      const arrays = this as unknown as Record<string, unknown[]>;
      for (const name of names) arrays[name] = [];
      this.keyColumns = naturalKey.map((name) => arrays[name]);
    }
  }
  return Chunk as unknown as ChunkClass<T>;
}

/** A chunk's column arrays, in the order of the kind's stored columns, ready to be sent. */
export type ChunkColumns = Array<
  { type: 'text' | 'date'; values: ReadonlyArray<string | null> } | { type: 'int2'; values: readonly number[] } | { type: 'int2?'; values: ReadonlyArray<number | null> } | { type: 'bool'; values: readonly boolean[] }
>;

/** Everything the service knows about one kind of record. */
export interface RecordKind<C extends KeyedChunk> {
  name: RecordKindName;
  /** The table its rows are stored in. */
  table: string;
  /** The fields an uploader sends, in the order the validator reads them. */
  fields: readonly RecordField[];
  /** The stored values, in table order: the fields that are stored and the derived values. */
  columns: readonly StoredColumn[];
  /** The values the service derives, for the column reference. */
  derived: readonly DerivedField[];
  /** The natural key besides the institution: stored columns, and their indexes among the fields (for messages). */
  key: readonly StoredColumn[];
  keyFields: readonly number[];
  /** The column whose year a row's figures are kept under, and the cohorts (year + offset) they feed. */
  cohorts: { column: string; offsets: readonly number[] };
  newChunk(): C;
  /** Validates one row (values in `fields` order) and appends it to `out` when valid; returns whether it was. */
  validate(values: ArrayLike<unknown>, ctx: ValidationContext, report: Reporter, out: C): boolean;
  /** Adds the cohorts whose figures row `i` of the chunk feeds. */
  addCohorts(chunk: C, i: number, cohorts: Set<number>): void;
  /** The chunk's column arrays, in `columns` order. */
  columnsOf(chunk: C): ChunkColumns;
}

/** Builds a kind from its table. */
export function defineKind<T extends readonly TableEntry[]>(spec: {
  name: RecordKindName;
  table: string;
  entries: T;
  chunk: ChunkClass<T>;
  cohorts: { json: IntColumn<T>; offsets: readonly number[] };
  validate: (values: ArrayLike<unknown>, ctx: ValidationContext, report: Reporter, out: ChunkOf<T>) => boolean;
}): RecordKind<ChunkOf<T>> {
  const fields = inputFields(spec.entries);
  const columns: StoredColumn[] = spec.entries.flatMap((entry) => (entry.sql ? [{ json: entry.json, column: entry.sql.column, type: entry.sql.type, derived: !isInput(entry) }] : []));
  const stored = (json: string): StoredColumn => {
    const column = columns.find((candidate) => candidate.json === json);
    if (!column) throw new Error(`${spec.name}: ${json} is not a stored column`);
    return column;
  };
  const years = spec.cohorts.json;
  const offsets = spec.cohorts.offsets;
  return {
    name: spec.name,
    table: spec.table,
    fields,
    columns,
    derived: spec.entries.filter((entry): entry is DerivedField => !isInput(entry)),
    key: spec.chunk.key.map(stored),
    keyFields: spec.chunk.key.map((json) => fields.findIndex((candidate) => candidate.json === json)),
    cohorts: { column: stored(years).column, offsets },
    newChunk: () => new spec.chunk(),
    validate: spec.validate,
    addCohorts: (chunk, i, cohorts) => {
      const year = (chunk[years] as number[])[i];
      for (const offset of offsets) cohorts.add(year + offset);
    },
    columnsOf: (chunk) => {
      // The chunk's arrays are made from the table (chunkClass); here they are read by name.
      const arrays = chunk as unknown as Readonly<Record<string, ChunkColumns[number]['values']>>;
      return columns.map(({ json, type }) => ({ type, values: arrays[json] }) as ChunkColumns[number]);
    },
  };
}
