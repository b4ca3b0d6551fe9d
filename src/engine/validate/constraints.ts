import { ValueConstraints, ValueType } from '../config-state';
import { compareDecimal, isDecimalString } from '../decimal';
import { compileJsonSchema } from '../json-schema';
import { SchemaLimitError } from '../json-schema-limits';
import { compileRe2 } from '../regex';
import { Issues } from './issues';
import { checkValue } from './value';

const MAX_LENGTH_LIMIT = 10_000_000;
const MAX_ALLOWED_VALUES = 1000;

const BOUNDED: ValueType[] = ['integer', 'decimal'];
const MEASURED: ValueType[] = ['string', 'image'];
const ENUMERABLE: ValueType[] = ['string', 'integer', 'decimal'];

function isBound(value: unknown, type: ValueType): boolean {
  return type === 'integer' ? Number.isSafeInteger(value) : isDecimalString(value);
}

/**
 * Checks the constraints themselves and returns the usable ones: a broken constraint is
 * reported once and then ignored, so the values are not also reported against it.
 */
export function checkConstraints(
  issues: Issues,
  type: ValueType,
  c: ValueConstraints,
): ValueConstraints {
  const usable: ValueConstraints = { ...c };
  const refuse = (field: keyof ValueConstraints, rule: string, message: string) => {
    issues.add(field, rule, message);
    usable[field] = null;
  };

  for (const field of ['minValue', 'maxValue'] as const) {
    if (c[field] === null || c[field] === undefined) usable[field] = null;
    else if (!BOUNDED.includes(type))
      refuse(field, 'type', `applies to integer and decimal configs only`);
    else if (!isBound(c[field], type)) {
      refuse(
        field,
        'type',
        type === 'integer' ? 'must be an integer' : 'must be a decimal string such as "0.5"',
      );
    }
  }
  if (usable.minValue !== null && usable.maxValue !== null) {
    const order =
      type === 'integer'
        ? Math.sign((usable.minValue as number) - (usable.maxValue as number))
        : compareDecimal(usable.minValue as string, usable.maxValue as string);
    if (order > 0) refuse('minValue', 'range', 'must not be greater than maxValue');
  }

  for (const field of ['minLength', 'maxLength'] as const) {
    const value = c[field];
    if (value === null || value === undefined) usable[field] = null;
    else if (!MEASURED.includes(type))
      refuse(field, 'type', 'applies to string and image configs only');
    else if (!Number.isInteger(value) || value < 0 || value > MAX_LENGTH_LIMIT) {
      refuse(field, 'type', `must be an integer from 0 to ${MAX_LENGTH_LIMIT}`);
    }
  }
  if (
    usable.minLength !== null &&
    usable.maxLength !== null &&
    usable.minLength > usable.maxLength
  ) {
    refuse('minLength', 'range', 'must not be greater than maxLength');
  }

  if (c.pattern === null || c.pattern === undefined) usable.pattern = null;
  else if (type !== 'string') refuse('pattern', 'type', 'applies to string configs only');
  else if (typeof c.pattern !== 'string') refuse('pattern', 'type', 'must be a string');
  else {
    // The pattern alone first, so a message quotes it as written, not as anchored.
    const alone = compileRe2(c.pattern);
    const compiled = alone instanceof Error ? alone : compileRe2(`^(?:${c.pattern})$`);
    if (compiled instanceof Error)
      refuse('pattern', 'regex', `is not a valid RE2 pattern: ${compiled.message}`);
  }

  if (c.validationSchema === null || c.validationSchema === undefined)
    usable.validationSchema = null;
  else {
    const compiled = compileJsonSchema(c.validationSchema);
    if (compiled instanceof SchemaLimitError)
      refuse('validationSchema', compiled.rule, compiled.message);
    else if (compiled instanceof Error)
      refuse('validationSchema', 'schema', `is not a valid JSON Schema: ${compiled.message}`);
  }

  if (c.allowedValues === null || c.allowedValues === undefined) usable.allowedValues = null;
  else if (!ENUMERABLE.includes(type))
    refuse('allowedValues', 'type', 'applies to string, integer and decimal configs only');
  else if (
    !Array.isArray(c.allowedValues) ||
    c.allowedValues.length === 0 ||
    c.allowedValues.length > MAX_ALLOWED_VALUES
  ) {
    refuse('allowedValues', 'type', `must be a list of 1 to ${MAX_ALLOWED_VALUES} values`);
  } else {
    // Each allowed value must itself be a valid value: of the type and within the other constraints.
    const before = issues.size;
    const others = { ...usable, allowedValues: null };
    c.allowedValues.forEach((allowed, i) =>
      checkValue(issues, allowed, type, others, `allowedValues[${i}]`),
    );
    if (issues.size > before) usable.allowedValues = null;
  }
  return usable;
}
