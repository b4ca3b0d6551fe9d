import { compare as compareSemver, SemVer } from 'semver';
import { Condition, LeafCondition } from '../config-state';
import { parseIsoDate } from '../dates';
import type { RE2 } from 're2-wasm';
import { compileRe2 } from '../regex';
import { parseLooseSemver } from '../semver';
import { ScalarSet, toNumber } from './operands';
import { beginSession, MemoTable, SharedConditions } from './shared';

/** A compiled condition: true when it holds for the context. Never throws. */
export type Predicate = (context: unknown) => boolean;

/**
 * The comparison of a leaf on its attribute's value: true, false, or undefined for a type
 * mismatch, and for a missing value (undefined or null) whatever the operator.
 */
export type Test = (value: unknown) => boolean | undefined;

/** What generated code gets: the memo, its slots and its leaves' tests. */
type MakePredicate = (memo: MemoTable, slots: number[], tests: Test[]) => Predicate;

/**
 * A condition tree compiles to one function whose body is the tree as a JavaScript
 * expression: `&&` for `all`, `||` for `any`, for a leaf a call of its compiled test on the
 * attribute's value (see `leafExpression`), each node answered once per session through its
 * memo slot.
 * A tree of closures calling closures costs a call V8 cannot inline at every node (one call
 * site sees every config's children); the expression is compiled and inlined as a whole.
 * The code holds only the tree's shape and array indices, never a value from the config:
 * operands, paths and patterns stay in the compiled leaves, so no input becomes code. Trees
 * of the same shape share one generated function.
 *
 * Without a `shared` table the condition has its own, and each call is its own session.
 */
export function compileCondition(condition: Condition, shared?: SharedConditions): Predicate {
  if (!shared) {
    const alone = compileCondition(condition, new SharedConditions());
    return (context) => {
      beginSession();
      return alone(context);
    };
  }
  const memo = shared.memoForCondition();
  const slots: number[] = [];
  const tests: Test[] = [];
  // Returns the node's expression and its slot. A node is interned by a key built from its
  // children's slots, so each node's key is computed once: keyed by its whole subtree's JSON,
  // a deep tree would be serialized once per level (500 leaves of 10k values, 10 deep).
  const emit = (node: Condition): [expression: string, slot: number] => {
    let key: string;
    let body: string;
    if ('all' in node || 'any' in node) {
      const kind = 'all' in node ? 'all' : 'any';
      const children = ('all' in node ? node.all : node.any).map(emit);
      key = `${kind}(${children.map(([, slot]) => slot).join(',')})`;
      const expressions = children.map(([expression]) => expression);
      body = expressions.length
        ? expressions.join(kind === 'all' ? ' && ' : ' || ')
        : String(kind === 'all');
    } else {
      key = leafKey(node);
      const attribute = shared.intern('attribute', node.attribute, () =>
        memo.attributeSlot(node.attribute),
      );
      const value = `memo.read(I[${slots.push(attribute) - 1}], context, s)`;
      body = leafExpression(node, value, () => {
        const test = shared.intern('test', key, () => compileTest(node));
        return `T[${tests.push(test) - 1}]`;
      });
    }
    const slot = shared.intern('slot', key, () => memo.conditionSlot());
    const ref = `I[${slots.push(slot) - 1}]`;
    const expression = `(answered[${ref}] === s ? answers[${ref}] : memo.answer(${ref}, s, ${body}))`;
    return [expression, slot];
  };
  const [expression] = emit(condition);
  const make = generated(expression);
  return make(memo, slots, tests);
}

/**
 * A leaf's identity: the fields that decide what it computes, in a fixed order (so member
 * order does not matter). Operands are JSON scalars, which JSON.stringify writes canonically.
 */
function leafKey(leaf: LeafCondition): string {
  const { attribute, operator, value, values } = leaf;
  return JSON.stringify([
    attribute,
    operator,
    leaf.negate === true,
    leaf.ignoreCase === true,
    value ?? null,
    values ?? null,
  ]);
}

/**
 * A leaf on its attribute's `value`: a missing attribute or a type mismatch makes it false,
 * with or without `negate` (`not_exists` holds on a missing attribute); `negate` inverts a
 * comparison that was made. Tests answer undefined for both, so a leaf is its test's answer
 * being true, or false when negated.
 */
function leafExpression(leaf: LeafCondition, value: string, test: () => string): string {
  const negate = leaf.negate === true;
  if (leaf.operator === 'exists') return negate ? 'false' : `${value} != null`;
  if (leaf.operator === 'not_exists') return negate ? 'true' : `${value} == null`;
  return `${test()}(${value}) === ${negate ? 'false' : 'true'}`;
}

/**
 * Generated functions by source, shared by every table: `make` takes the memo as an argument,
 * so one shape compiles once per process (an `explain` or a config compiled alone reuses it).
 * Bounded like SharedConditions: past the limit it starts afresh.
 */
const GENERATED_LIMIT = 10_000;
let generatedBySource = new Map<string, MakePredicate>();

function generated(expression: string): MakePredicate {
  let make = generatedBySource.get(expression);
  if (make === undefined) {
    if (generatedBySource.size >= GENERATED_LIMIT) generatedBySource = new Map();
    make = generate(expression);
    generatedBySource.set(expression, make);
  }
  return make;
}

/** All generated expressions are made of these: names, indices, operators, brackets. */
const EXPRESSION = /^[\w\s.,()[\]=!&|?:]*$/;

function generate(expression: string): MakePredicate {
  // By construction; checked, so no later change can let a value into code unnoticed.
  if (!EXPRESSION.test(expression)) throw new Error('refusing to compile unexpected code');
  return new Function(
    `"use strict";
    return function make(memo, I, T) {
      const { answered, answers, session } = memo;
      return function condition(context) {
        const s = session.id;
        return ${expression};
      };
    };`,
  )() as MakePredicate;
}

function operands(leaf: LeafCondition): unknown[] {
  return leaf.values ?? [leaf.value];
}

function compileTest(leaf: LeafCondition): Test {
  const ignoreCase = leaf.ignoreCase === true;
  switch (leaf.operator) {
    case 'equals':
    case 'in':
      return new ScalarSet(operands(leaf), ignoreCase).compile();
    case 'not_equals':
    case 'not_in': {
      const set = new ScalarSet(operands(leaf), ignoreCase);
      return (value) => {
        const found = set.has(value);
        return found === undefined ? undefined : !found;
      };
    }
    case 'contains':
      return stringTest(leaf, (value, operand) => value.includes(operand));
    case 'starts_with':
      return stringTest(leaf, (value, operand) => value.startsWith(operand));
    case 'ends_with':
      return stringTest(leaf, (value, operand) => value.endsWith(operand));
    case 'not_contains': {
      const contains = stringTest(leaf, (value, operand) => value.includes(operand));
      return (value) => {
        const found = contains(value);
        return found === undefined ? undefined : !found;
      };
    }
    case 'matches': {
      const compiled = operands(leaf).map((p) => compileRe2(String(p), ignoreCase ? 'iu' : 'u'));
      const patterns = compiled.filter((p): p is RE2 => !(p instanceof Error));
      if (patterns.length === compiled.length) {
        return (value) =>
          typeof value === 'string' ? patterns.some((p) => p.test(value)) : undefined;
      }
      // Validation refuses patterns RE2 cannot compile; one that slipped through (stored
      // before a limit, or by another writer) neither matches nor fails to: the leaf is
      // false, negated or not, unless another of its patterns matches. A broken rule never
      // enables anything.
      return (value) => {
        if (typeof value !== 'string') return undefined;
        return patterns.some((p) => p.test(value)) ? true : undefined;
      };
    }
    case 'greater_than':
      return numberTest(leaf, (x, [a]) => x > a);
    case 'greater_than_or_equal':
      return numberTest(leaf, (x, [a]) => x >= a);
    case 'less_than':
      return numberTest(leaf, (x, [a]) => x < a);
    case 'less_than_or_equal':
      return numberTest(leaf, (x, [a]) => x <= a);
    case 'between':
      return numberTest(leaf, (x, [low, high]) => x >= low && x <= high);
    case 'semver_equals':
      return semverTest(leaf, (order) => order === 0);
    case 'semver_greater_than':
      return semverTest(leaf, (order) => order > 0);
    case 'semver_less_than':
      return semverTest(leaf, (order) => order < 0);
    case 'before':
      return dateTest(leaf, (time, operand) => time < operand);
    case 'after':
      return dateTest(leaf, (time, operand) => time > operand);
    default:
      return () => undefined;
  }
}

/** String operators: the value must be a string; with `values`, any operand may hold. */
function stringTest(leaf: LeafCondition, holds: (value: string, operand: string) => boolean): Test {
  const ignoreCase = leaf.ignoreCase === true;
  const list = operands(leaf).map((o) => (ignoreCase ? String(o).toLowerCase() : String(o)));
  return (value) => {
    if (typeof value !== 'string') return undefined;
    const subject = ignoreCase ? value.toLowerCase() : value;
    for (const operand of list) if (holds(subject, operand)) return true;
    return false;
  };
}

function numberTest(
  leaf: LeafCondition,
  holds: (value: number, operands: number[]) => boolean,
): Test {
  const list = operands(leaf).map((o) => toNumber(o) ?? NaN);
  return (value) => {
    const number = toNumber(value);
    return number === undefined ? undefined : holds(number, list);
  };
}

function semverTest(leaf: LeafCondition, holds: (order: number) => boolean): Test {
  const list = operands(leaf)
    .map(parseLooseSemver)
    .filter((v): v is SemVer => v !== null);
  return (value) => {
    const version = parseLooseSemver(value);
    if (version === null) return undefined;
    for (const operand of list) if (holds(compareSemver(version, operand))) return true;
    return false;
  };
}

function dateTest(leaf: LeafCondition, holds: (time: number, operand: number) => boolean): Test {
  const operand = parseIsoDate(leaf.value) ?? NaN;
  return (value) => {
    const time = parseIsoDate(value);
    return time === null ? undefined : holds(time, operand);
  };
}
