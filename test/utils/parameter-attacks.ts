/**
 * Values for every path, query and header parameter of the OpenAPI document that a careless or
 * hostile client sends: numbers outside every integer range a database or JavaScript has, and
 * broken or tricky percent-encodings. Used by the in-process parameter fuzzer (both databases,
 * in `npm test`) and by the hostile-input reliability test (the built service).
 *
 * Each value is written into the URL as it is (already percent-encoded where it must be), so a
 * `%zz` reaches the service's decoder unchanged.
 */
export const OUT_OF_RANGE_NUMBERS = [
  '0',
  '-1',
  '2147483648',
  '9007199254740993',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775809',
  '99999999999999999999',
  '1' + '0'.repeat(400),
  '1e309',
  '0.5',
  'NaN',
  'Infinity',
  '0x7fffffffffffffff',
  '%EF%BC%91%EF%BC%92',
  '%201%20',
];

export const BROKEN_ENCODINGS = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%FF%FE',
  '%uD800',
  '%00',
  '%0D%0ASet-Cookie:%20x=1',
  '%2e%2e%2f%2e%2e%2f',
  '%252e%252e',
  '%2F',
  '%E2%80%AE',
  '%27%3B--',
  'x'.repeat(3_000),
];

export const PARAMETER_ATTACKS = [...OUT_OF_RANGE_NUMBERS, ...BROKEN_ENCODINGS];

/** Query strings that are broken as a whole, not in one value. */
export const BROKEN_QUERIES = ['%zz=1', '%=%', '&&&', '=1', 'limit', 'limit=1&limit=%zz', 'a[b][c][d][e][f][g]=1', `${'a'.repeat(2_000)}=1`, '__proto__[x]=1', 'constructor%5Bprototype%5D%5Bx%5D=1'];

/** HTTP Basic credentials whose form-urlencoded parts are broken (RFC 6749 §2.3.1). */
export const BROKEN_BASIC_CREDENTIALS = [
  ...BROKEN_ENCODINGS.filter((value) => value.includes('%')).flatMap((value) => [`${value}:secret`, `client:${value}`]),
  ':',
  ':secret',
  'no-colon',
  '\u0000:\u0000',
  `${'c'.repeat(5_000)}:${'s'.repeat(5_000)}`,
].map((credentials) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`);

export interface FuzzOperation {
  method: string;
  path: string;
  parameters: Array<{ in: string; name: string; schema?: { format?: string } }>;
  requiredScopes: string[];
}

interface Document {
  paths: Record<string, Record<string, { parameters?: FuzzOperation['parameters']; 'x-required-scopes'?: string[] }>>;
}

export function fuzzOperations(document: Document): FuzzOperation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, parameters: operation.parameters ?? [], requiredScopes: operation['x-required-scopes'] ?? [] })),
  );
}

export interface ParameterCase {
  label: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  /** A JSON body that passes validation, where the attack needs one to reach the code behind it. */
  body?: string;
}

/**
 * Every attack on every path and query parameter of an operation (one parameter at a time,
 * the others plausible), the broken query strings, and broken Basic credentials where the
 * operation reads an `authorization` header parameter.
 */
export function parameterCases(operation: FuzzOperation, plausible: (name: string, format?: string) => string): ParameterCase[] {
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === 'query');
  const pathWith = (name?: string, value?: string): string =>
    pathParameters.reduce((path, parameter) => path.replace(`{${parameter.name}}`, parameter.name === name && value !== undefined ? value : encodeURIComponent(plausible(parameter.name, parameter.schema?.format))), operation.path);
  const cases: ParameterCase[] = [];
  const add = (label: string, url: string, headers: Record<string, string> = {}, body?: string): void => {
    cases.push({ label: `${operation.method} ${operation.path} ${label}`, method: operation.method, url, headers, ...(body ? { body } : {}) });
  };
  for (const parameter of pathParameters) for (const value of PARAMETER_ATTACKS) add(`path ${parameter.name}=${value.slice(0, 40)}`, pathWith(parameter.name, value));
  for (const parameter of queryParameters) for (const value of PARAMETER_ATTACKS) add(`query ${parameter.name}=${value.slice(0, 40)}`, `${pathWith()}?${parameter.name}=${value}`);
  for (const query of BROKEN_QUERIES) add(`query ${query.slice(0, 40)}`, `${pathWith()}?${query}`);
  if (operation.parameters.some((parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === 'authorization')) {
    // The token request: Basic credentials are read only once the body is valid.
    for (const authorization of BROKEN_BASIC_CREDENTIALS) add(`authorization ${authorization.slice(0, 40)}`, pathWith(), { authorization }, '{"grant_type":"client_credentials"}');
  }
  return cases;
}
