/**
 * fast-check arbitraries generated from the API's own OpenAPI 3.1 document: values that follow each
 * schema, mixed with values that break it, so a fuzz run exercises both validation and the handlers.
 */
import fc from 'fast-check';

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
}

export type Components = Record<string, JsonSchema>;

/** Strings that have broken parsers, queries and path handling before. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; drop table merchants; --',
  '\u0000',
  '%00',
  '%',
  '\uD800',
  '𝕢𝕓𝕠',
  '<script>alert(1)</script>',
  'null',
  '-1',
  '1e309',
  'NaN',
  '00000000-0000-0000-0000-000000000000',
  'x'.repeat(5_000),
];

export const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

/** Characters Postgres cannot store in `text`: U+0000 and lone UTF-16 surrogates (not valid Unicode). */
const UNSTORABLE_CHARACTERS = ['\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF'];

/**
 * A value shaped like what the schema accepts, made unstorable: an unstorable character somewhere in it,
 * or the same value far longer than any field allows.
 */
export function unstorableVariant(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(valid, fc.constantFrom(...UNSTORABLE_CHARACTERS), fc.nat()).map(([value, character, at]) => {
      const position = value.length === 0 ? 0 : at % (value.length + 1);
      return `${value.slice(0, position)}${character}${value.slice(position)}`;
    }),
    valid.map((value) => (value || 'x').repeat(Math.ceil(5_000 / Math.max(1, value.length)))),
  );
}

/** Every key some cursor of the API carries, so a forged cursor gets past each cursor schema's shape. */
const CURSOR_SHAPE = {
  entity: fc.constantFrom('Invoice', 'Customer', 'Payment'),
  qboId: fc.stringMatching(/^[0-9]{1,10}$/),
  after: fc.uuid(),
  before: fc.uuid(),
  createdAt: fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((date) => date.toISOString()),
  id: fc.uuid(),
};

/**
 * Well-formed cursors (base64url JSON, the API's own encoding) whose fields are valid or unstorable:
 * what someone who has decoded one of our cursors would forge.
 */
export const forgedCursor: fc.Arbitrary<string> = fc
  .record(Object.fromEntries(Object.entries(CURSOR_SHAPE).map(([key, valid]) => [key, fc.oneof({ weight: 2, arbitrary: valid }, { weight: 1, arbitrary: unstorableVariant(valid) })])))
  .map((value) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url'));

const MAX_DEPTH = 6;

export function arbitraryFor(schema: JsonSchema | undefined, components: Components, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > MAX_DEPTH) return fc.jsonValue({ maxDepth: 2 });
  if (schema.$ref) return arbitraryFor(components[schema.$ref.replace('#/components/schemas/', '')], components, depth + 1);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((alternative) => arbitraryFor(alternative, components, depth + 1)));
  if (schema.allOf?.length === 1) return arbitraryFor(schema.allOf[0], components, depth + 1);
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => arbitraryFor({ ...schema, type }, components, depth)));
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: Math.ceil(lowerBound(schema) ?? -1_000_000), max: Math.floor(upperBound(schema) ?? 1_000_000) });
    case 'number':
      return fc.double({ min: lowerBound(schema) ?? -1e6, max: upperBound(schema) ?? 1e6, noNaN: true });
    case 'string':
      return stringArbitrary(schema);
    case 'array':
      return fc.array(arbitraryFor(schema.items, components, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object':
      return objectArbitrary(schema, components, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function lowerBound(schema: JsonSchema): number | undefined {
  return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : undefined);
}
function upperBound(schema: JsonSchema): number | undefined {
  return schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : undefined);
}

/** Mostly what the schema accepts; one value in four made unstorable (every text field gets both). */
function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const valid = validStringArbitrary(schema);
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: unstorableVariant(valid) });
}

function validStringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((date) => date.toISOString());
    case 'uri':
      return fc.webUrl();
  }
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((value) => value.length <= (schema.maxLength ?? 100));
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 60, 300) });
}

function objectArbitrary(schema: JsonSchema, components: Components, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  if (Object.keys(properties).length === 0) return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
  const model = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, arbitraryFor(property, components, depth + 1)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((name) => name in properties) });
}

/**
 * Mostly schema-following values, sometimes hostile ones: what a query or path parameter receives. A
 * `cursor` parameter also gets forged cursors, since its schema says nothing of what it decodes to.
 */
export function parameterValue(schema: JsonSchema | undefined, components: Components, name?: string): fc.Arbitrary<string> {
  const alternatives: fc.WeightedArbitrary<string>[] = [
    { weight: 3, arbitrary: arbitraryFor(schema, components).map((value) => (typeof value === 'string' ? value : JSON.stringify(value))) },
    { weight: 1, arbitrary: hostileString },
  ];
  if (name === 'cursor') alternatives.push({ weight: 4, arbitrary: forgedCursor });
  return fc.oneof(...alternatives);
}

/** Longer than any text field or parameter of the API accepts. */
const OVER_LONG_CHARS = 4_096;

/** U+0000, a lone surrogate (a UTF-16 unit not part of a pair), or more than any field accepts. */
export function isUnstorableText(value: string): boolean {
  return value.length > OVER_LONG_CHARS || value.includes('\u0000') || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

/** Whether a value carries unstorable text at a place its schema declares (undeclared keys are dropped unread). */
export function declaresUnstorableText(value: unknown, schema: JsonSchema | undefined, components: Components, depth = 0): boolean {
  if (!schema || depth > MAX_DEPTH * 2) return false;
  if (schema.$ref) return declaresUnstorableText(value, components[schema.$ref.replace('#/components/schemas/', '')], components, depth + 1);
  const alternatives = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  if (alternatives.length > 0) return alternatives.some((alternative) => declaresUnstorableText(value, alternative, components, depth + 1));
  if (typeof value === 'string') return isUnstorableText(value);
  if (Array.isArray(value)) return value.some((item) => declaresUnstorableText(item, schema.items, components, depth + 1));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(schema.properties ?? {}).some(([name, property]) => declaresUnstorableText((value as Record<string, unknown>)[name], property, components, depth + 1));
  }
  return false;
}

/** A cursor parameter's decoded content, when it is one of our (possibly forged) base64url JSON cursors. */
export function decodedCursor(value: string): unknown {
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Whether a decoded JSON value holds unstorable text anywhere. */
export function holdsUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return isUnstorableText(value);
  if (Array.isArray(value)) return value.some(holdsUnstorableText);
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([key, item]) => isUnstorableText(key) || holdsUnstorableText(item));
  return false;
}
