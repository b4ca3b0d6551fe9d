import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const MAX_SCHEMA_BYTES = 64 * 1024;
const CACHE_SIZE = 500;

const ajv = new Ajv2020({
  allErrors: true,
  strict: false,
  validateSchema: true,
  loadSchema: undefined,
});
addFormats(ajv);
const cache = new Map<string, ValidateFunction | Error>();

/**
 * Compiles a JSON Schema 2020-12 once per distinct schema (a config version's schema is
 * compiled the first time it is used, then reused). Returns the error instead of throwing.
 */
export function compileJsonSchema(schema: unknown): ValidateFunction | Error {
  const text = JSON.stringify(schema) ?? '';
  const cached = cache.get(text);
  if (cached) return cached;
  let compiled: ValidateFunction | Error;
  if (text.length > MAX_SCHEMA_BYTES) {
    compiled = new Error(`schemas are limited to ${MAX_SCHEMA_BYTES / 1024} KB`);
  } else if (
    typeof schema !== 'boolean' &&
    (typeof schema !== 'object' || schema === null || Array.isArray(schema))
  ) {
    compiled = new Error('a JSON Schema is an object or a boolean');
  } else {
    try {
      compiled = ajv.compile(schema as object | boolean);
    } catch (error) {
      compiled = error instanceof Error ? error : new Error(String(error));
    } finally {
      // Our cache owns compiled schemas; Ajv's own would grow forever and refuse a reused $id.
      if (typeof schema === 'object') ajv.removeSchema(schema as object);
    }
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(text, compiled);
  return compiled;
}

/** Ajv's errors as short sentences: `/price must be >= 0`. */
export function schemaErrors(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((e) => `${e.instancePath || '(value)'} ${e.message ?? 'is invalid'}`);
}
