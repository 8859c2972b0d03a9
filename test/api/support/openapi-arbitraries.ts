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

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
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

/** Mostly schema-following values, sometimes hostile ones: what a query or path parameter receives. */
export function parameterValue(schema: JsonSchema | undefined, components: Components): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: arbitraryFor(schema, components).map((value) => (typeof value === 'string' ? value : JSON.stringify(value))) },
    { weight: 1, arbitrary: hostileString },
  );
}
