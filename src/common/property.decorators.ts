import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

// Composite decorators: each one validates a field and documents it in OpenAPI in one step.

interface Common {
  optional?: boolean;
  description?: string;
  example?: unknown;
  nullable?: boolean;
}

/** Keys of the decorators' options that are for validation only: OpenAPI has no such keywords. */
const VALIDATION_ONLY = new Set(['optional', 'min', 'max', 'patternMessage']);

const documented = (options: Common & Record<string, unknown>): PropertyDecorator => {
  const rest = Object.fromEntries(Object.entries(options).filter(([key]) => !VALIDATION_ONLY.has(key)));
  return options.optional ? ApiPropertyOptional(rest) : ApiProperty(rest);
};

const optionalIf = (options: Common): PropertyDecorator[] => (options.optional || options.nullable ? [IsOptional()] : []);

export const BRIN_PATTERN = /^[0-9]{2}[A-Z]{2}$|^[0-9A-Z]{4}$/;
export const VESTIGING_PATTERN = /^[0-9A-Z]{4}[0-9]{2}$/;

export const ValidateString = (options: Common & { minLength?: number; maxLength: number; pattern?: RegExp; patternMessage?: string }) =>
  applyDecorators(
    documented({ ...options, type: String, minLength: options.minLength ?? 1, maxLength: options.maxLength, pattern: options.pattern?.source }),
    ...optionalIf(options),
    IsString(),
    MinLength(options.minLength ?? 1),
    MaxLength(options.maxLength),
    ...(options.pattern ? [Matches(options.pattern, options.patternMessage ? { message: options.patternMessage } : undefined)] : []),
  );

export const ValidateBrin = (options: Common = {}) =>
  ValidateString({
    example: '00AA',
    description: 'BRIN: 4 characters, upper case.',
    ...options,
    maxLength: 4,
    minLength: 4,
    pattern: BRIN_PATTERN,
    patternMessage: '$property must be a BRIN code of 4 upper-case characters, e.g. 00AA',
  });

export const ValidateVestiging = (options: Common = {}) =>
  ValidateString({
    example: '00AA01',
    description: 'Vestiging: BRIN followed by 2 digits.',
    ...options,
    maxLength: 6,
    minLength: 6,
    pattern: VESTIGING_PATTERN,
    patternMessage: '$property must be a vestiging code (BRIN + 2 digits), e.g. 00AA01',
  });

export const ValidateEnum = <T extends string>(values: readonly T[], options: Common = {}) =>
  applyDecorators(documented({ ...options, enum: [...values] }), ...optionalIf(options), IsIn(values as T[], { message: `$property must be one of: ${values.join(', ')}` }));

export const ValidateEnumArray = <T extends string>(values: readonly T[], options: Common & { minItems?: number } = {}) =>
  applyDecorators(
    documented({ ...options, enum: [...values], isArray: true }),
    ...optionalIf(options),
    IsArray(),
    ArrayMinSize(options.minItems ?? 1),
    ArrayMaxSize(values.length),
    ArrayUnique(),
    IsIn(values as T[], { each: true, message: `each value of $property must be one of: ${values.join(', ')}` }),
  );

/** An array of distinct strings, each matching a pattern (BRIN codes, programme codes). */
export const ValidateStringArray = (options: Common & { pattern: RegExp; patternMessage: string; minItems?: number; maxItems: number }) =>
  applyDecorators(
    documented({ ...options, type: String, isArray: true, minItems: options.minItems ?? 1, maxItems: options.maxItems }),
    ...optionalIf(options),
    IsArray(),
    ArrayMinSize(options.minItems ?? 1),
    ArrayMaxSize(options.maxItems),
    ArrayUnique(),
    IsString({ each: true }),
    Matches(options.pattern, { each: true, message: options.patternMessage }),
  );

export const ValidateInt = (options: Common & { min: number; max: number }) =>
  applyDecorators(documented({ ...options, type: 'integer', minimum: options.min, maximum: options.max }), ...optionalIf(options), IsInt(), Min(options.min), Max(options.max));

/** A finite number (not NaN or infinity) within [min, max], e.g. a rate 0–1. */
export const ValidateNumber = (options: Common & { min: number; max: number }) =>
  applyDecorators(
    documented({ ...options, type: 'number', minimum: options.min, maximum: options.max }),
    ...optionalIf(options),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(options.min),
    Max(options.max),
  );

/** An integer read from a query string. */
/**
 * A query parameter is text: only a plain decimal integer becomes a number. Anything else (hex,
 * exponents, blanks, an empty value, a repeated parameter) stays as it is and fails IsInt,
 * where Number() would have read `0x10` as 16 and an empty value as 0.
 */
export const QueryInteger = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value));

export const ValidateQueryInt = (options: Common & { min: number; max: number }) => applyDecorators(QueryInteger(), ValidateInt(options));

export const ValidateDate = (options: Common = {}) =>
  applyDecorators(
    documented({ ...options, type: String, format: 'date', example: options.example ?? '2024-08-26' }),
    ...optionalIf(options),
    IsDateString({ strict: true }, { message: '$property must be a date as YYYY-MM-DD' }),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date as YYYY-MM-DD' }),
  );

export const ValidateUuid = (options: Common = {}) =>
  applyDecorators(documented({ ...options, type: String, format: 'uuid' }), ...optionalIf(options), IsUUID('all'));

/** The largest value of PostgreSQL's `bigint`, the type of record ids. */
export const MAX_RECORD_ID = 2n ** 63n - 1n;

/**
 * A record id (`bigint` in the database) in a path: a positive decimal integer up to 2^63 − 1.
 * A larger one is refused here: the database would fail on it instead of finding nothing.
 */
export const ValidateRecordId = () =>
  applyDecorators(
    documented({ type: String, pattern: '^[1-9][0-9]{0,18}$', maxLength: 19, description: `Record id: a positive integer up to ${MAX_RECORD_ID}.`, example: '1' }),
    IsString(),
    ValidateBy({
      name: 'isRecordId',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && /^[1-9][0-9]{0,18}$/.test(value) && BigInt(value) <= MAX_RECORD_ID,
        defaultMessage: () => `$property must be a record id (a positive integer up to ${MAX_RECORD_ID})`,
      },
    }),
  );

export const ValidateBoolean = (options: Common = {}) => applyDecorators(documented({ ...options, type: Boolean }), ...optionalIf(options), IsBoolean());

/**
 * Swagger reads a function as a lazy type only when its name is `type`, as an arrow written as a
 * `type:` property is named; one passed in as an argument is nameless and became a `$ref` to
 * nothing. Wrapping it here names it.
 */
const lazyType = (type: () => new () => object): { type: () => new () => object } => ({ type: () => type() });

/** An array of nested DTOs, validated element by element with pointers to each row. */
export const ValidateNestedArray = (type: () => new () => object, options: Common & { minItems?: number; maxItems: number }) =>
  applyDecorators(
    documented({ ...options, ...lazyType(type), isArray: true, minItems: options.minItems ?? 1, maxItems: options.maxItems }),
    ...optionalIf(options),
    IsArray(),
    ArrayMinSize(options.minItems ?? 1),
    ArrayMaxSize(options.maxItems),
    ValidateNested({ each: true }),
    Type(type),
  );

export const ValidateNestedObject = (type: () => new () => object, options: Common = {}) =>
  applyDecorators(documented({ ...options, ...lazyType(type) }), ...optionalIf(options), ValidateNested(), Type(type));
