import { Operator } from './config-state';

/**
 * How each operator takes its operands (`value`, `values`, a `[low, high]` pair or none)
 * and what each operand must be. Validation checks stored rules against this table, and the
 * console's rule builder offers the inputs it describes.
 */
export type OperandArity = 'list' | 'one' | 'oneOrList' | 'pair' | 'none';
export type OperandKind = 'scalar' | 'string' | 'regex' | 'number' | 'semver' | 'date';

export const OPERATOR_SHAPES: Readonly<Record<Operator, readonly [OperandArity, OperandKind]>> = {
  equals: ['oneOrList', 'scalar'],
  not_equals: ['one', 'scalar'],
  in: ['list', 'scalar'],
  not_in: ['list', 'scalar'],
  contains: ['oneOrList', 'string'],
  not_contains: ['one', 'string'],
  starts_with: ['oneOrList', 'string'],
  ends_with: ['oneOrList', 'string'],
  matches: ['oneOrList', 'regex'],
  greater_than: ['one', 'number'],
  greater_than_or_equal: ['one', 'number'],
  less_than: ['one', 'number'],
  less_than_or_equal: ['one', 'number'],
  between: ['pair', 'number'],
  semver_equals: ['oneOrList', 'semver'],
  semver_greater_than: ['one', 'semver'],
  semver_less_than: ['one', 'semver'],
  before: ['one', 'date'],
  after: ['one', 'date'],
  exists: ['none', 'scalar'],
  not_exists: ['none', 'scalar'],
};

/** The string operators, which `ignoreCase` applies to. */
export const CASE_FOLDING_OPERATORS: ReadonlySet<Operator> = new Set<Operator>([
  'equals',
  'not_equals',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'matches',
]);
