import { OPERATORS, type Operator } from '../../../../../src/engine/config-state';
import { parseIsoDate } from '../../../../../src/engine/dates';
import {
  CASE_FOLDING_OPERATORS,
  OPERATOR_SHAPES,
  type OperandKind,
} from '../../../../../src/engine/operators';

export { OPERATORS, type Operator };

/**
 * What the builder takes an attribute's value to be. The engine has no schema of the context,
 * so the person picks it; it decides which operators are offered and what the operands are
 * written as (`5` for a number, `"5"` for a string: the engine compares them by type).
 */
export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'date', 'semver'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** Operand kinds each attribute type takes, from the engine's operator table. */
const KINDS: Record<AttributeType, readonly OperandKind[]> = {
  string: ['scalar', 'string', 'regex'],
  number: ['scalar', 'number'],
  boolean: ['scalar'],
  date: ['date'],
  semver: ['semver'],
};

/** The operators that fit an attribute type; `exists` and `not_exists` fit every type. */
export function operatorsFor(type: AttributeType): Operator[] {
  return OPERATORS.filter((operator) => {
    const [arity, kind] = OPERATOR_SHAPES[operator];
    if (arity === 'none') return true;
    // A list of booleans says no more than one boolean.
    if (type === 'boolean' && arity === 'list') return false;
    return KINDS[type].includes(kind);
  });
}

/** The operator a condition gets when its type changes to one its operator does not fit. */
export function defaultOperator(type: AttributeType): Operator {
  return operatorsFor(type)[0];
}

export const OPERATOR_LABELS: Record<Operator, string> = {
  equals: 'equals',
  not_equals: 'does not equal',
  in: 'is one of',
  not_in: 'is not one of',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  ends_with: 'ends with',
  matches: 'matches (RE2)',
  greater_than: '>',
  greater_than_or_equal: '≥',
  less_than: '<',
  less_than_or_equal: '≤',
  between: 'between (inclusive)',
  semver_equals: 'version equals',
  semver_greater_than: 'version after',
  semver_less_than: 'version before',
  before: 'before',
  after: 'after',
  exists: 'is present',
  not_exists: 'is missing',
};

/**
 * The input a condition's operands need:
 * - `none`: exists / not_exists;
 * - `list`: a list of values (`values`), for in / not_in, and for the operators that take
 *   one value or several when the condition has several;
 * - `pair`: `values: [low, high]` (between);
 * - `number`, `date`, `boolean`, `text`: one `value`.
 */
export type ValueShape = 'none' | 'list' | 'pair' | 'number' | 'date' | 'boolean' | 'text';

export function valueShape(
  operator: Operator,
  type: AttributeType,
  hasValues: boolean,
): ValueShape {
  const [arity, kind] = OPERATOR_SHAPES[operator];
  if (arity === 'none') return 'none';
  if (arity === 'pair') return 'pair';
  if (arity === 'list' || (arity === 'oneOrList' && hasValues)) return 'list';
  if (kind === 'number') return 'number';
  if (kind === 'date') return 'date';
  if (kind === 'scalar' && (type === 'number' || type === 'boolean')) return type;
  return 'text';
}

/** Operators that take one value or a list of them (any one may hold). */
export function takesSeveral(operator: Operator): boolean {
  return OPERATOR_SHAPES[operator][0] === 'oneOrList';
}

/** `ignoreCase` applies to the string operators on string attributes. */
export function allowsIgnoreCase(operator: Operator, type: AttributeType): boolean {
  return type === 'string' && CASE_FOLDING_OPERATORS.has(operator);
}

/**
 * `negate` inverts a comparison made on a present attribute; on exists / not_exists there
 * is none (a negated exists never holds), so the builder does not offer it there.
 */
export function allowsNegate(operator: Operator): boolean {
  return OPERATOR_SHAPES[operator][0] !== 'none';
}

/** What an operand of this type is written as; text that is not one stays text. */
export function typedOperand(type: AttributeType, text: string): string | number | boolean {
  if (type === 'number') {
    const number = text.trim() === '' ? NaN : Number(text);
    return Number.isFinite(number) ? number : text;
  }
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** An unset operand: null where the operand is a number or a date, so the server says so. */
export function emptyOperand(operator: Operator, type: AttributeType): unknown {
  const kind = OPERATOR_SHAPES[operator][1];
  if (kind === 'number' || kind === 'date' || type === 'number') return null;
  if (type === 'boolean') return true;
  return '';
}

/** The type an existing condition most likely has: from its operator, else its operands. */
export function inferType(operator: unknown, operands: readonly unknown[]): AttributeType {
  const shape = OPERATOR_SHAPES[operator as Operator];
  if (!shape) return 'string';
  const kind = shape[1];
  if (kind === 'number' || kind === 'date' || kind === 'semver') return kind;
  if (kind === 'scalar' && operands.length > 0) {
    if (operands.every((o) => typeof o === 'number')) return 'number';
    if (operands.every((o) => typeof o === 'boolean')) return 'boolean';
  }
  return 'string';
}

const PICKER = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;

/**
 * An operand of before / after as the date picker's value (`YYYY-MM-DD HH:mm:ss`, read as
 * UTC), or null when it is no ISO date.
 */
export function isoToPicker(iso: unknown): string | null {
  const time = parseIsoDate(iso);
  if (time === null) return null;
  return new Date(time).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The picker's value as the ISO operand the engine reads: a date alone at midnight UTC
 * (`2026-11-24`, the same instant), else a UTC date-time (`2026-11-24T08:30:00Z`).
 */
export function pickerToIso(picked: string | null): string | null {
  const match = picked ? PICKER.exec(picked) : null;
  if (!match) return null;
  const [, day, time] = match;
  return time === '00:00:00' ? day : `${day}T${time}Z`;
}
