import { ArgumentMetadata, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { LRUCache } from 'lru-cache';
import { ProblemFieldError, toPointer } from 'src/common/problem';
import { problem } from 'src/common/problems';

/** Deeper JSON than this is refused before it reaches class-transformer (which recurses). */
export const MAX_NESTING_DEPTH = 32;
/** Keys that reach an object's prototype when copied onto an instance; never valid in this API. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The first place where a request value nests deeper than MAX_NESTING_DEPTH or carries a
 * prototype key. Iterative, so that hostile nesting cannot overflow the stack here either.
 */
export function findHostileShape(value: unknown): { path: Array<string | number>; code: 'maxDepth' | 'prototypeKey' | 'nulCharacter' } | undefined {
  const stack: Array<{ value: unknown; path: Array<string | number> }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    // PostgreSQL text cannot hold NUL: such a value would fail in the database, not here.
    if (typeof current === 'string' && current.includes('\u0000')) return { path, code: 'nulCharacter' };
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= MAX_NESTING_DEPTH) return { path, code: 'maxDepth' };
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i] as unknown, path: [...path, i] });
      continue;
    }
    for (const key of Object.keys(current)) {
      if (PROTOTYPE_KEYS.has(key)) return { path: [...path, key], code: 'prototypeKey' };
      stack.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return undefined;
}

class RawValidationFailure extends Error {
  constructor(readonly validationErrors: ValidationError[]) {
    super('validation failed');
  }
}

/** Flattens class-validator's tree into one entry per failed constraint, with its path. */
export function flattenValidationErrors(
  errors: ValidationError[],
  parentPath: Array<string | number> = [],
): Array<{ path: Array<string | number>; code: string; detail: string }> {
  return errors.flatMap((error) => {
    const path = [...parentPath, /^\d+$/.test(error.property) ? Number(error.property) : error.property];
    const own = Object.entries(error.constraints ?? {}).map(([code, detail]) => ({ path, code, detail }));
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

/**
 * The single global validation pipe: strips nothing silently (unknown properties are errors),
 * transforms to DTO classes, and reports every failure with a JSON pointer (body) or the
 * parameter name (query, path) in one RFC 9457 response.
 */
export class ProblemValidationPipe extends ValidationPipe {
  /**
   * Query strings and path parameters that passed, per DTO class, by their JSON text. The rules
   * are functions of the value alone, so the same text passes again: a repeated request (a
   * dashboard asking for the same view) is only transformed, not validated again.
   */
  private readonly passed = new WeakMap<Type<unknown>, LRUCache<string, true>>();

  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new RawValidationFailure(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const hostile = findHostileShape(value);
      if (hostile) {
        const detail =
          hostile.code === 'maxDepth'
            ? `Values may nest at most ${MAX_NESTING_DEPTH} levels deep.`
            : hostile.code === 'nulCharacter'
              ? 'Text may not contain the NUL character (U+0000).'
              : `The key "${String(hostile.path[hostile.path.length - 1])}" is not allowed anywhere in a request.`;
        const locator = metadata.type === 'body' ? { pointer: toPointer(hostile.path) } : { parameter: hostile.path.join('.') };
        throw problem('invalid-request', detail, [{ ...locator, code: hostile.code, detail }]);
      }
    }
    if (metadata.type === 'body' && (value === undefined || value === null || typeof value !== 'object')) {
      if (metadata.metatype && metadata.metatype !== Object && !isPrimitiveType(metadata.metatype)) {
        throw problem('invalid-request', 'The request body must be a JSON object.', [
          { pointer: '#', code: 'isObject', detail: 'The request body must be a JSON object.' },
        ]);
      }
    }
    const known = knownShape(value, metadata) ? { metatype: metadata.metatype as Type<unknown>, text: JSON.stringify(value) } : undefined;
    if (known && this.passed.get(known.metatype)?.has(known.text)) return plainToInstance(known.metatype, value, this.transformOptions);
    try {
      const result: unknown = await super.transform(value, metadata);
      if (known) {
        let texts = this.passed.get(known.metatype);
        if (!texts) this.passed.set(known.metatype, (texts = new LRUCache<string, true>({ max: 1_000 })));
        texts.set(known.text, true);
      }
      return result;
    } catch (error) {
      if (!(error instanceof RawValidationFailure)) throw error;
      if (metadata.type === 'body' && error.validationErrors.some((failure) => /^\s*[{[]/.test(failure.property))) {
        // JSON sent as a form (curl -d without a Content-Type): the JSON text arrives as one field
        // name. Say so, and do not echo that name: it holds the values, secrets included.
        const detail = 'The body looks like JSON but was sent as a form: send it with the header Content-Type: application/json.';
        throw problem('invalid-request', detail, [{ header: 'content-type', code: 'jsonSentAsForm', detail }]);
      }
      const errors: ProblemFieldError[] = flattenValidationErrors(error.validationErrors).map(({ path, code, detail }) => {
        switch (metadata.type) {
          case 'body':
            return { pointer: toPointer(path), code, detail };
          case 'query':
          case 'param':
            return { parameter: path.join('.'), code, detail };
          case 'custom':
            return { pointer: toPointer(path), code, detail };
        }
      });
      throw problem(
        'invalid-request',
        `${errors.length} invalid ${errors.length === 1 ? 'value' : 'values'} in the request ${metadata.type === 'body' ? 'body' : 'parameters'}.`,
        errors,
      );
    }
  }
}

const isPrimitiveType = (type: unknown): boolean => [String, Boolean, Number, Array].includes(type as never);

/** A query or path parameters as the parsers give them (text values only) for a DTO class: what the pipe may remember. */
const knownShape = (value: unknown, metadata: ArgumentMetadata): value is Record<string, string | string[]> => {
  if (metadata.type !== 'query' && metadata.type !== 'param') return false;
  if (typeof metadata.metatype !== 'function' || metadata.metatype === Object || isPrimitiveType(metadata.metatype)) return false;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== null && prototype !== Object.prototype) return false;
  return Object.values(value).every((item) => typeof item === 'string' || (Array.isArray(item) && item.every((part) => typeof part === 'string')));
};
