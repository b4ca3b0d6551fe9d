import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { re2Formats } from './json-schema-formats';
import { checkSchemaLimits, SCHEMA_LIMITS, SchemaLimitError } from './json-schema-limits';
import { uniqueItemsKeyword } from './json-schema-unique-items';
import { compileRe2 } from './regex';

const CACHE_SIZE = 500;

/** Ajv's `code.regExp`: every `pattern`, `patternProperties` and `propertyNames` pattern on RE2. */
function re2Engine(pattern: string, flags: string) {
  const compiled = compileRe2(pattern, flags);
  if (compiled instanceof Error) throw new Error(`pattern ${pattern}: ${compiled.message}`);
  return compiled;
}
re2Engine.code = 'compileRe2';

const ajv = new Ajv2020({
  allErrors: true,
  strict: false,
  validateSchema: true,
  loadSchema: undefined,
  // A $ref stays a call: inlined, a schema referenced n times would be compiled n times.
  inlineRefs: false,
  code: { regExp: re2Engine },
});
addFormats(ajv);
for (const [name, format] of Object.entries(re2Formats())) ajv.addFormat(name, format);
ajv.removeKeyword('uniqueItems');
ajv.addKeyword(uniqueItemsKeyword);
const cache = new Map<string, ValidateFunction | Error>();

/**
 * Compiles a JSON Schema 2020-12 once per distinct schema (a config version's schema is
 * compiled the first time it is used, then reused). Returns the error instead of throwing:
 * a SchemaLimitError when the schema crosses SCHEMA_LIMITS (checked before Ajv sees it).
 */
export function compileJsonSchema(schema: unknown): ValidateFunction | Error {
  const text = JSON.stringify(schema) ?? '';
  const cached = cache.get(text);
  if (cached) return cached;
  let compiled: ValidateFunction | Error;
  if (text.length > SCHEMA_LIMITS.maxSchemaBytes) {
    compiled = new SchemaLimitError(
      'maxSchemaBytes',
      `is over ${SCHEMA_LIMITS.maxSchemaBytes / 1024} KB serialized`,
    );
  } else if (
    typeof schema !== 'boolean' &&
    (typeof schema !== 'object' || schema === null || Array.isArray(schema))
  ) {
    compiled = new Error('a JSON Schema is an object or a boolean');
  } else {
    compiled = checkSchemaLimits(schema) ?? compileWithAjv(schema as object | boolean);
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(text, compiled);
  return compiled;
}

function compileWithAjv(schema: object | boolean): ValidateFunction | Error {
  try {
    return ajv.compile(schema);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    // Our cache owns compiled schemas; Ajv's own would grow forever and refuse a reused $id.
    if (typeof schema === 'object') ajv.removeSchema(schema);
  }
}

/**
 * Compiles what every first schema would otherwise compile inside its request: Ajv's
 * meta-schema (each schema is validated against it) and the code paths of the common keywords,
 * ~80-130 ms at once. Run once the server is ready, in the background.
 */
export function warmJsonSchemaCompiler(): void {
  compileWithAjv({
    type: 'object',
    properties: { text: { type: 'string', pattern: '^a', format: 'email', maxLength: 9 } },
    items: { type: 'array', uniqueItems: true, items: { enum: [1, 'a'] } },
    anyOf: [{ required: ['text'] }, { $ref: '#/$defs/any' }],
    $defs: { any: { minimum: 0 } },
  });
}

/** Ajv's errors as short sentences: `/price must be >= 0`. */
export function schemaErrors(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((e) => `${e.instancePath || '(value)'} ${e.message ?? 'is invalid'}`);
}
