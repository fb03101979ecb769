/**
 * fast-check arbitraries generated from the service's OpenAPI document: valid-looking values for
 * a schema, hostile values (wrong types, huge strings, deep nesting, unicode, NaN-like strings,
 * prototype-pollution keys), and mutations that put hostile values into valid requests.
 */
import fc from 'fast-check';

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  nullable?: boolean;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

export interface Parameter {
  in: 'query' | 'path' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  parameters: Parameter[];
  bodySchema?: Schema;
  bodyTypes: string[];
  requiredScopes: string[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId?: string; parameters?: Parameter[]; requestBody?: { content: Record<string, { schema?: Schema }> }; 'x-required-scopes'?: string[] }>>;
  components?: { schemas?: Record<string, Schema> };
}

export function operations(doc: OpenApiDocument): Operation[] {
  const list: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = op.requestBody?.content ?? {};
      list.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId ?? `${method} ${path}`,
        parameters: op.parameters ?? [],
        bodySchema: content['application/json']?.schema,
        bodyTypes: Object.keys(content),
        requiredScopes: op['x-required-scopes'] ?? [],
      });
    }
  }
  return list;
}

const resolve = (schema: Schema, doc: OpenApiDocument): Schema => {
  let current = schema;
  for (let i = 0; i < 20 && current.$ref; i++) {
    const name = current.$ref.replace('#/components/schemas/', '');
    current = doc.components?.schemas?.[name] ?? {};
  }
  if (current.allOf && current.allOf.length > 0) {
    return current.allOf.map((part) => resolve(part, doc)).reduce((merged, part) => ({
      ...merged,
      ...part,
      properties: { ...merged.properties, ...part.properties },
      required: [...(merged.required ?? []), ...(part.required ?? [])],
    }));
  }
  return current;
};

const safeStringMatching = (pattern: string, maxLength: number): fc.Arbitrary<string> => {
  try {
    return fc.stringMatching(new RegExp(pattern)).filter((s) => s.length <= Math.max(maxLength, 1));
  } catch {
    return fc.string({ maxLength });
  }
};

/** Values that fit a schema (as far as a schema can say; cross-field rules are not known). */
export function valueFor(schema: Schema, doc: OpenApiDocument, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  const base = ((): fc.Arbitrary<unknown> => {
    if (s.enum && s.enum.length > 0) return fc.constantFrom(...s.enum);
    if (s.oneOf || s.anyOf) return fc.oneof(...(s.oneOf ?? s.anyOf ?? []).map((part) => valueFor(part, doc, depth + 1)));
    switch (s.type) {
      case 'string': {
        const maxLength = Math.min(s.maxLength ?? 40, 200);
        if (s.format === 'date') return fc.date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
        if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
        if (s.format === 'uuid') return fc.uuid();
        if (s.format === 'uri' || s.format === 'url') return fc.constantFrom('https://example.invalid/hook', 'http://127.0.0.1:1/x', 'https://a.b/c');
        if (s.pattern) return safeStringMatching(s.pattern, maxLength);
        return fc.string({ minLength: Math.min(s.minLength ?? 0, maxLength), maxLength });
      }
      case 'integer':
        return fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 });
      case 'number':
        return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        if (depth > 4) return fc.constant([]);
        return fc.array(valueFor(s.items ?? {}, doc, depth + 1), { minLength: Math.min(s.minItems ?? 0, 3), maxLength: Math.min(s.maxItems ?? 3, 3) });
      case 'object':
      default: {
        if (!s.properties || depth > 4) return s.type === 'object' ? fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }) : fc.jsonValue({ maxDepth: 2 });
        const required = new Set(s.required ?? []);
        const entries = Object.entries(s.properties).map(([key, property]) => [key, required.has(key) ? valueFor(property, doc, depth + 1) : fc.option(valueFor(property, doc, depth + 1), { nil: undefined })] as const);
        return fc.record(Object.fromEntries(entries)).map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)));
      }
    }
  })();
  return s.nullable ? fc.option(base, { nil: null, freq: 8 }) : base;
}

const deep = (depth: number, kind: 'array' | 'object'): string => (kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** A marker value for the serializer: raw JSON text inserted as is (deep nesting, special keys). */
export class RawJson {
  constructor(readonly text: string) {}
}

export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

export const pollutionPayload = (key: string): RawJson =>
  new RawJson(
    key === 'constructor'
      ? `{"prototype":{"polluted":"yes","isAdmin":true},"polluted":"yes"}`
      : `{"polluted":"yes","isAdmin":true,"scopes":["platform:admin"],"toString":"x"}`,
  );

/** Hostile values: wrong types, extremes, unicode, NaN-like strings, injection-looking text, huge and deep values. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, [], {}, [null], { '': '' }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'NaN',
      'Infinity',
      '-Infinity',
      '1e309',
      '-0',
      '0x1F',
      '0b101',
      '1_000',
      ' 12 ',
      '١٢٣',
      'null',
      'undefined',
      'true',
      '[object Object]',
      '\u0000',
      '\ud800',
      '\udfff\ud800',
      '\u202e\u0633',
      '\ufeff',
      'ǅ𝔘𝔫𝔦𝔠𝔬𝔡𝔢😀',
      'a\r\nSet-Cookie: x=1',
      "'; DROP TABLE enrolments; --",
      '<script>alert(1)</script>',
      '../../../../etc/passwd',
      '%00%ff',
      '${jndi:ldap://127.0.0.1/x}',
      '{{7*7}}',
      '2023-02-30',
      '9999-99-99',
      '123456782',
      'ab'.repeat(32),
      'AB'.repeat(32),
    ),
  },
  { weight: 2, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(new RawJson(deep(3_000, 'array')), new RawJson(deep(3_000, 'object')), new RawJson(deep(50, 'object'))) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((n) => new Array<number>(n).fill(1)) },
  { weight: 2, arbitrary: fc.constantFrom(...POLLUTION_KEYS).map((key) => new RawJson(`{"${key}":${pollutionPayload(key).text}}`)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 50 }) },
);

/** JSON text of a value that may hold RawJson parts. */
export function serialize(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((item) => serialize(item === undefined ? null : item)).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`)
      .join(',')}}`;
  }
  const text = JSON.stringify(value);
  return text === undefined ? 'null' : text;
}

type Path = Array<string | number>;

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (prefix.length > 6) return out;
  if (Array.isArray(value)) value.slice(0, 3).forEach((item, i) => paths(item, [...prefix, i], out));
  else if (value && typeof value === 'object' && !(value instanceof RawJson)) for (const [key, item] of Object.entries(value)) paths(item, [...prefix, key], out);
  return out;
}

function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? setAt(item, rest, replacement) : item));
  if (value && typeof value === 'object') return { ...(value as Record<string, unknown>), [head]: setAt((value as Record<string, unknown>)[head], rest, replacement) };
  return value;
}

function addKeyAt(value: unknown, path: Path, key: string, extra: unknown): unknown {
  if (path.length === 0) {
    if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof RawJson)) {
      // A RawJson-valued entry keeps keys like __proto__ literal in the text.
      return new RawJson(serialize(value).replace(/^\{/, `{${JSON.stringify(key)}:${serialize(extra)}${Object.keys(value).length > 0 ? ',' : ''}`));
    }
    return value;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? addKeyAt(item, rest, key, extra) : item));
  if (value && typeof value === 'object' && !(value instanceof RawJson)) return { ...(value as Record<string, unknown>), [head]: addKeyAt((value as Record<string, unknown>)[head], rest, key, extra) };
  return value;
}

/** A valid-looking value with a hostile value put at a random place, or a hostile or pollution key added. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return valid.chain((value) => {
    const places = paths(value);
    return fc.oneof(
      { weight: 2, arbitrary: fc.constant(value) },
      { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...places), hostileValue).map(([path, hostile]) => setAt(value, path, hostile)) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom(...places), fc.constantFrom<string>(...POLLUTION_KEYS, 'unexpected', ''))
          .map(([path, key]) => addKeyAt(value, path, key, POLLUTION_KEYS.includes(key as never) ? pollutionPayload(key) : 'x')),
      },
      { weight: 1, arbitrary: hostileValue },
    );
  });
}
