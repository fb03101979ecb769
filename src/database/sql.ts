/*
 * The one way to write SQL here: a tagged template that numbers its parameters itself.
 *
 *   const byCohort = cohort === undefined ? empty : sql`AND cohort = ${cohort}`;
 *   const rows = await query<Row>(dataSource, sql`SELECT … FROM enrolments WHERE institution_id = ${id} ${byCohort}`);
 *
 * - Every interpolated value becomes a parameter `$n`, numbered in the order of the final text,
 *   so fragments compose without counting: a fragment inside a fragment is spliced in with its
 *   own parameters.
 * - The only way to put text that is not in a template into the statement is `ident`, which
 *   accepts a name from a list the caller gives (sort columns, a kind's table).
 * - `undefined` is refused (pass `null` for SQL NULL): a filter left undefined must never be
 *   dropped silently or compared with NULL.
 * - An array is one parameter and must be followed by an explicit cast in the text
 *   (`${ids}::uuid[]`): the driver sends it as a text array literal and the cast says what it holds.
 * - `param(value)` binds a value once even where it appears several times (and so does a
 *   fragment used twice in one statement).
 */

/** A value bound once, wherever it appears in a statement. */
export class Param {
  constructor(readonly value: unknown) {}
}

/** A name checked against a list; see `ident`. */
export class Identifier {
  constructor(readonly text: string) {}
}

type Part = string | Param;

/** A piece of SQL with its parameters; render with `.text` and `.values`. */
export class Sql {
  private rendered?: { text: string; values: unknown[] };

  /** Text and parameters, in order; strings and params alternate, starting and ending with a string. */
  constructor(readonly parts: readonly Part[]) {}

  get text(): string {
    return this.render().text;
  }

  get values(): unknown[] {
    return this.render().values;
  }

  private render(): { text: string; values: unknown[] } {
    if (this.rendered) return this.rendered;
    const numbers = new Map<Param, number>();
    const values: unknown[] = [];
    let text = '';
    for (const part of this.parts) {
      if (typeof part === 'string') {
        text += part;
        continue;
      }
      let n = numbers.get(part);
      if (n === undefined) {
        n = values.push(part.value);
        numbers.set(part, n);
      }
      text += '$' + String(n);
    }
    return (this.rendered = { text, values });
  }
}

export type SqlValue = Sql | Identifier | Param | string | number | bigint | boolean | Date | Buffer | null | readonly unknown[] | object;

/** Appends text to the parts, merging it into the last string. */
function appendText(parts: Part[], text: string): void {
  parts[parts.length - 1] = `${parts[parts.length - 1] as string}${text}`;
}

/** Appends a fragment's parts: its text merges with the text around it. */
function appendFragment(parts: Part[], fragment: Sql): void {
  const [first, ...rest] = fragment.parts;
  appendText(parts, first as string);
  parts.push(...rest);
}

/** Builds a fragment; see the comment at the top of this file. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): Sql {
  const parts: Part[] = [strings[0]];
  values.forEach((value, i) => {
    const next = strings[i + 1];
    if (value === undefined) throw new TypeError(`sql: value ${i + 1} is undefined (before "${next.slice(0, 40)}"); pass null for NULL`);
    if (value instanceof Sql) {
      appendFragment(parts, value);
    } else if (value instanceof Identifier) {
      appendText(parts, value.text);
    } else {
      if (Array.isArray(value) && !next.startsWith('::')) {
        throw new TypeError(`sql: array value ${i + 1} needs an explicit cast after it (\${values}::type[]), before "${next.slice(0, 40)}"`);
      }
      parts.push(value instanceof Param ? value : new Param(value), '');
    }
    appendText(parts, next);
  });
  return new Sql(parts);
}

/** The fragment with no text. */
export const empty: Sql = new Sql(['']);

/** SQL text the code itself writes once (a column list built from a constant table), never input. */
export const constant = (text: string): Sql => new Sql([text]);

/** Fragments one after the other, with `separator` (default `, `) between them; `empty` for none. */
export function join(fragments: readonly Sql[], separator: Sql = sql`, `): Sql {
  const parts: Part[] = [''];
  fragments.forEach((fragment, i) => {
    if (i > 0) appendFragment(parts, separator);
    appendFragment(parts, fragment);
  });
  return new Sql(parts);
}

/** A value bound once: every appearance of the same `param(…)` in a statement is the same `$n`. */
export const param = (value: SqlValue): Param => {
  if (value === undefined) throw new TypeError('sql: param value is undefined; pass null for NULL');
  return new Param(value);
};

const PLAIN_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * A table, column or type name from a fixed list (`allowed`), for the places where a name varies
 * (a sort key, a kind's table). Anything else is refused. A dotted name (`r.cohort`) is
 * checked as a whole; parts that are not plain lowercase names are double-quoted.
 */
export function ident(name: string, allowed: readonly string[]): Identifier {
  if (!allowed.includes(name)) throw new TypeError(`sql: "${name}" is not one of the allowed names (${allowed.join(', ')})`);
  const quoted = name
    .split('.')
    .map((part) => (PLAIN_NAME.test(part) ? part : `"${part.replace(/"/g, '""')}"`))
    .join('.');
  return new Identifier(quoted);
}

/** Marks where a prepared statement takes each call's value (see `prepare`). */
class Slot {
  constructor(readonly name: string) {}
}

/** Rendered SQL: what `query` runs. */
export interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * A statement whose text is built and numbered once, for one that runs very often (a chunk of an
 * upload): `build` marks each varying value with `slot(name)`, and every call binds its values.
 */
export function prepare<K extends string>(build: (slot: (name: K) => Param) => Sql): (values: Record<K, SqlValue>) => Statement {
  const slots = new Map<K, Param>();
  const slot = (name: K): Param => {
    let marker = slots.get(name);
    if (marker === undefined) slots.set(name, (marker = new Param(new Slot(name))));
    return marker;
  };
  const { text, values } = build(slot);
  return (given) => ({
    text,
    values: values.map((value) => {
      if (!(value instanceof Slot)) return value;
      const bound = given[value.name as K];
      if (bound === undefined) throw new TypeError(`sql: slot ${value.name} is undefined; pass null for NULL`);
      return bound;
    }),
  });
}

/** Anything that runs a statement: a DataSource, an EntityManager or a QueryRunner. */
export interface Queryable {
  query(text: string, parameters?: unknown[]): Promise<unknown>;
}

/** TypeORM answers UPDATE and DELETE with [rows, rowCount], every other statement with rows. */
const isRowsAndCount = (result: unknown): result is [unknown[], number] =>
  Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';

/** Runs a statement and answers its rows (the RETURNING rows of an UPDATE or DELETE). */
export async function query<T>(executor: Queryable, statement: Statement): Promise<T[]> {
  const result = await executor.query(statement.text, statement.values);
  return (isRowsAndCount(result) ? result[0] : result) as T[];
}

/** Runs a statement and answers its first row, if any. */
export async function queryOne<T>(executor: Queryable, statement: Statement): Promise<T | undefined> {
  return (await query<T>(executor, statement))[0];
}

/** Runs an UPDATE or DELETE and answers how many rows it touched. */
export async function execute(executor: Queryable, statement: Statement): Promise<number> {
  const result = await executor.query(statement.text, statement.values);
  return isRowsAndCount(result) ? result[1] : 0;
}
