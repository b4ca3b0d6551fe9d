import { ValueConstraints, ValueType } from '../config-state';
import { compareDecimal, isDecimalString } from '../decimal';
import { compileJsonSchema, schemaErrors } from '../json-schema';
import { compileRe2 } from '../regex';
import { Issues } from './issues';

/** The largest serialized value a config, rule, variant or candidate may hold. */
export const MAX_VALUE_BYTES = 256 * 1024;
const MAX_URL_LENGTH = 2048;
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const URL_WHITESPACE = /[\s\u0000-\u001f\u007f]/;
const EMPTY_USERINFO = /^https:\/\/[^/?#]*@/i;
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/]+={0,2})$/;

/** Length in code points, so an emoji counts once. */
export function codePointLength(value: string): number {
  let length = 0;
  for (const _ of value) length += 1;
  return length;
}

function typeProblem(value: unknown, type: ValueType): string | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'integer':
      return Number.isSafeInteger(value)
        ? undefined
        : 'must be an integer between -(2^53-1) and 2^53-1';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'decimal':
      return isDecimalString(value)
        ? undefined
        : 'must be a decimal string such as "19.99" (decimals travel as strings)';
    case 'json':
      return undefined;
    case 'image':
      return typeof value === 'string' ? undefined : 'must be an https URL or a data:image URI';
  }
}

function imageProblem(value: string): string | undefined {
  if (value.startsWith('data:')) {
    return DATA_IMAGE.test(value)
      ? undefined
      : 'must be data:image/(png|jpeg|gif|webp);base64,<data>';
  }
  if (value.length > MAX_URL_LENGTH)
    return `image URLs are limited to ${MAX_URL_LENGTH} characters`;
  // The URL parser would drop these silently: what is stored must be what is served.
  if (URL_WHITESPACE.test(value))
    return 'must not contain whitespace or control characters (percent-encode them)';
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' || !url.hostname) return 'must be an https URL';
    if (url.username || url.password || EMPTY_USERINFO.test(value))
      return 'must not embed credentials (user:password@)';
    return undefined;
  } catch {
    return 'must be an https URL or a data:image URI';
  }
}

/** Orders a value against a bound of the config's type (decimals exactly). */
function compareToBound(value: unknown, bound: unknown, type: ValueType): number | undefined {
  if (type === 'integer' && typeof value === 'number' && typeof bound === 'number')
    return Math.sign(value - bound);
  if (type === 'decimal' && isDecimalString(value) && isDecimalString(bound))
    return compareDecimal(value, bound);
  return undefined;
}

function sameValue(a: unknown, b: unknown, type: ValueType): boolean {
  if (type === 'decimal' && isDecimalString(a) && isDecimalString(b))
    return compareDecimal(a, b) === 0;
  return a === b;
}

/**
 * Checks one value against a type and constraints (assumed valid themselves; broken ones are
 * skipped). Used for a config's value and default, each rule's value, and later experiment
 * variants and deployment candidates.
 */
export function checkValue(
  issues: Issues,
  value: unknown,
  type: ValueType,
  c: ValueConstraints,
  path: string,
): void {
  if (value === undefined) {
    issues.add(path, 'required', 'is required');
    return;
  }
  const serialized = JSON.stringify(value);
  if (serialized === undefined) {
    issues.add(path, 'type', 'must be a JSON value');
    return;
  }
  if (serialized.length > MAX_VALUE_BYTES) {
    issues.add(path, 'maxSize', `must serialize to at most ${MAX_VALUE_BYTES / 1024} KB`);
    return;
  }
  const problem = value === null && type !== 'json' ? 'must not be null' : typeProblem(value, type);
  if (problem) {
    issues.add(path, 'type', problem);
    return;
  }
  if (type === 'image') {
    const image = imageProblem(value as string);
    if (image) issues.add(path, 'format', image);
  }
  if (c.minValue !== null && (compareToBound(value, c.minValue, type) ?? 0) < 0) {
    issues.add(path, 'minValue', `must be at least ${c.minValue}`);
  }
  if (c.maxValue !== null && (compareToBound(value, c.maxValue, type) ?? 0) > 0) {
    issues.add(path, 'maxValue', `must be at most ${c.maxValue}`);
  }
  if (typeof value === 'string' && (type === 'string' || type === 'image')) {
    const length = codePointLength(value);
    if (c.minLength !== null && length < c.minLength)
      issues.add(path, 'minLength', `must be at least ${c.minLength} characters long`);
    if (c.maxLength !== null && length > c.maxLength)
      issues.add(path, 'maxLength', `must be at most ${c.maxLength} characters long`);
  }
  if (c.pattern !== null && typeof value === 'string') {
    const regex = compileRe2(`^(?:${c.pattern})$`);
    if (!(regex instanceof Error) && !regex.test(value))
      issues.add(path, 'pattern', `must match the pattern ${c.pattern}`);
  }
  if (
    Array.isArray(c.allowedValues) &&
    !c.allowedValues.some((allowed) => sameValue(value, allowed, type))
  ) {
    issues.add(
      path,
      'allowedValues',
      `must be one of ${JSON.stringify(c.allowedValues).slice(0, 200)}`,
    );
  }
  if (c.validationSchema !== null) {
    const validate = compileJsonSchema(c.validationSchema);
    if (!(validate instanceof Error)) {
      for (const message of schemaErrors(validate, value))
        issues.add(path, 'validationSchema', message);
    }
  }
}
