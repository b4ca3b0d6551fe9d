import { OPERATORS, Operator, ValueConstraints, ValueType } from '../config-state';
import { parseIsoDate } from '../dates';
import { toNumber } from '../evaluation/operands';
import { CASE_FOLDING_OPERATORS, OPERATOR_SHAPES, OperandKind } from '../operators';
import { compileRe2 } from '../regex';
import { parseLooseSemver } from '../semver';
import { attributePathProblem, isPercentage, isPlainObject, Issues } from './issues';
import { checkValue } from './value';

export const TARGETING_LIMITS = {
  maxDepth: 10,
  maxRules: 100,
  maxLeaves: 500,
  maxListValues: 10_000,
};

const RULE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const RULE_FIELDS = new Set(['id', 'name', 'condition', 'value', 'rolloutPercentage']);
const LEAF_FIELDS = new Set(['attribute', 'operator', 'value', 'values', 'negate', 'ignoreCase']);

function operandProblem(kind: OperandKind, operand: unknown): [string, string] | undefined {
  switch (kind) {
    case 'scalar':
      return ['string', 'number', 'boolean'].includes(typeof operand)
        ? undefined
        : ['type', 'must be a string, number or boolean'];
    case 'string':
      return typeof operand === 'string' ? undefined : ['type', 'must be a string'];
    case 'regex': {
      if (typeof operand !== 'string') return ['type', 'must be a string'];
      const compiled = compileRe2(operand);
      return compiled instanceof Error
        ? ['regex', `is not a valid RE2 pattern: ${compiled.message}`]
        : undefined;
    }
    case 'number':
      return toNumber(operand) === undefined
        ? ['type', 'must be a number or a numeric string']
        : undefined;
    case 'semver':
      return parseLooseSemver(operand)
        ? undefined
        : ['semver', 'must be a version such as "1.2.3" or "v1.2"'];
    case 'date':
      return parseIsoDate(operand) === null
        ? ['date', 'must be an ISO 8601 date such as "2026-11-24" or "2026-11-24T08:30:00Z"']
        : undefined;
  }
}

class TargetingChecker {
  leaves = 0;
  listValues = 0;
  private readonly reported = new Set<string>();

  constructor(private readonly issues: Issues) {}

  /** A limit is reported once, at the first place it is crossed. */
  private overLimit(rule: keyof typeof TARGETING_LIMITS, path: string, message: string): void {
    if (this.reported.has(rule)) return;
    this.reported.add(rule);
    this.issues.add(path, rule, message);
  }

  condition(node: unknown, path: string, depth: number): void {
    if (this.issues.size >= Issues.MAX) return;
    if (depth > TARGETING_LIMITS.maxDepth) {
      this.overLimit(
        'maxDepth',
        path,
        `conditions nest at most ${TARGETING_LIMITS.maxDepth} levels deep`,
      );
      return;
    }
    if (!isPlainObject(node)) {
      this.issues.add(
        path,
        'type',
        'must be a group {all: [...]} or {any: [...]}, or a leaf {attribute, operator, ...}',
      );
      return;
    }
    const group = 'all' in node ? 'all' : 'any' in node ? 'any' : undefined;
    if (group) {
      const children = node[group];
      if (Object.keys(node).length !== 1)
        this.issues.add(path, 'group', 'a group has exactly one key, all or any');
      if (!Array.isArray(children) || children.length === 0) {
        this.issues.add(`${path}.${group}`, 'type', 'must be a non-empty list of conditions');
        return;
      }
      children.forEach((child, i) => this.condition(child, `${path}.${group}[${i}]`, depth + 1));
      return;
    }
    this.leaf(node, path);
  }

  private leaf(leaf: Record<string, unknown>, path: string): void {
    this.leaves += 1;
    if (this.leaves > TARGETING_LIMITS.maxLeaves) {
      this.overLimit(
        'maxLeaves',
        path,
        `a config has at most ${TARGETING_LIMITS.maxLeaves} conditions`,
      );
      return;
    }
    for (const field of Object.keys(leaf)) {
      if (!LEAF_FIELDS.has(field))
        this.issues.add(`${path}.${field}`, 'unknownProperty', 'is not a condition field');
    }
    const attributeProblem = attributePathProblem(
      leaf.attribute,
      'must be a dotted path such as user.country (letters, digits, _, $, -)',
    );
    if (attributeProblem) this.issues.add(`${path}.attribute`, 'attribute', attributeProblem);
    for (const flag of ['negate', 'ignoreCase'] as const) {
      if (leaf[flag] !== undefined && typeof leaf[flag] !== 'boolean')
        this.issues.add(`${path}.${flag}`, 'type', 'must be true or false');
    }
    const operator = leaf.operator as Operator;
    if (!OPERATORS.includes(operator)) {
      this.issues.add(`${path}.operator`, 'operator', `must be one of ${OPERATORS.join(', ')}`);
      return;
    }
    if (leaf.ignoreCase === true && !CASE_FOLDING_OPERATORS.has(operator)) {
      this.issues.add(`${path}.ignoreCase`, 'ignoreCase', `does not apply to ${operator}`);
    }
    this.operands(leaf, operator, path);
  }

  private operands(leaf: Record<string, unknown>, operator: Operator, path: string): void {
    const [arity, kind] = OPERATOR_SHAPES[operator];
    const hasValue = leaf.value !== undefined;
    const hasValues = leaf.values !== undefined;
    const wants = (message: string) => this.issues.add(path, 'operands', `${operator} ${message}`);
    if (arity === 'none') {
      if (hasValue || hasValues) wants('takes no value');
      return;
    }
    if (arity === 'one' && (hasValues || !hasValue)) return wants('takes one value');
    if ((arity === 'list' || arity === 'pair') && (hasValue || !hasValues))
      return wants('takes a list of values');
    if (arity === 'oneOrList' && hasValue === hasValues)
      return wants('takes either value or values');
    if (hasValue) {
      const problem = operandProblem(kind, leaf.value);
      if (problem) this.issues.add(`${path}.value`, ...problem);
      return;
    }
    const values = leaf.values;
    if (!Array.isArray(values) || values.length === 0) {
      this.issues.add(`${path}.values`, 'type', 'must be a non-empty list');
      return;
    }
    this.listValues += values.length;
    if (this.listValues > TARGETING_LIMITS.maxListValues) {
      this.overLimit(
        'maxListValues',
        `${path}.values`,
        `a config has at most ${TARGETING_LIMITS.maxListValues} list values`,
      );
      return;
    }
    if (arity === 'pair' && values.length !== 2) {
      this.issues.add(`${path}.values`, 'operands', 'between takes [low, high]');
      return;
    }
    values.forEach((operand, i) => {
      const problem = operandProblem(kind, operand);
      if (problem) this.issues.add(`${path}.values[${i}]`, ...problem);
    });
    if (arity === 'pair' && (toNumber(values[0]) ?? 0) > (toNumber(values[1]) ?? 0)) {
      this.issues.add(`${path}.values`, 'range', 'low must not be greater than high');
    }
  }
}

/** The structure of DESIGN.md's targeting rules, their values, and the limits on them. */
export function checkTargetingRules(
  issues: Issues,
  rules: unknown,
  type: ValueType,
  constraints: ValueConstraints,
): void {
  if (!Array.isArray(rules)) {
    issues.add('targetingRules', 'type', 'must be a list of rules');
    return;
  }
  if (rules.length > TARGETING_LIMITS.maxRules) {
    issues.add(
      'targetingRules',
      'maxRules',
      `a config has at most ${TARGETING_LIMITS.maxRules} rules`,
    );
    return;
  }
  const checker = new TargetingChecker(issues);
  const ids = new Set<string>();
  rules.forEach((rule, i) => {
    const path = `targetingRules[${i}]`;
    if (!isPlainObject(rule)) {
      issues.add(path, 'type', 'must be a rule {id, condition, value, rolloutPercentage?}');
      return;
    }
    for (const field of Object.keys(rule)) {
      if (!RULE_FIELDS.has(field))
        issues.add(`${path}.${field}`, 'unknownProperty', 'is not a rule field');
    }
    if (typeof rule.id !== 'string' || !RULE_ID.test(rule.id)) {
      issues.add(`${path}.id`, 'type', 'must be 1-64 letters, digits, _ or -');
    } else if (ids.has(rule.id)) {
      issues.add(`${path}.id`, 'unique', `repeats the id of an earlier rule`);
    } else {
      ids.add(rule.id);
    }
    if (rule.name !== undefined && (typeof rule.name !== 'string' || rule.name.length > 200)) {
      issues.add(`${path}.name`, 'type', 'must be a string of at most 200 characters');
    }
    if (rule.rolloutPercentage !== undefined && !isPercentage(rule.rolloutPercentage)) {
      issues.add(
        `${path}.rolloutPercentage`,
        'rolloutPercentage',
        'must be a number from 0 to 100 with at most two decimals',
      );
    }
    if (rule.condition === undefined) issues.add(`${path}.condition`, 'required', 'is required');
    else checker.condition(rule.condition, `${path}.condition`, 1);
    checkValue(issues, rule.value, type, constraints, `${path}.value`);
  });
}

/** One condition tree on its own (an experiment's targeting), checked like a rule's. */
export function checkCondition(issues: Issues, condition: unknown, path: string): void {
  new TargetingChecker(issues).condition(condition, path, 1);
}
