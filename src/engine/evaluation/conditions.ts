import { compare as compareSemver, SemVer } from 'semver';
import { Condition, LeafCondition } from '../config-state';
import { parseIsoDate } from '../dates';
import type { RE2 } from 're2-wasm';
import { compileRe2 } from '../regex';
import { parseLooseSemver } from '../semver';
import { compileAttribute, isMissing } from './attribute';
import { ScalarSet, toNumber } from './operands';
import { memoize, SharedConditions } from './shared';

/** A compiled condition: true when it holds for the context. Never throws. */
export type Predicate = (context: unknown) => boolean;

/** The comparison of a leaf on a present value: true, false, or undefined for a type mismatch. */
type Test = (value: unknown) => boolean | undefined;

export function compileCondition(condition: Condition, shared?: SharedConditions): Predicate {
  if ('all' in condition) return every(condition.all.map((c) => compileCondition(c, shared)));
  if ('any' in condition) return some(condition.any.map((c) => compileCondition(c, shared)));
  if (!shared) return compileLeaf(condition);
  // Interned: configs compiled with the same table share this leaf, answered once per session.
  return shared.intern('leaf', condition, () => memoize(compileLeaf(condition)));
}

/** AND of children; the common two- and three-child groups avoid a loop. */
function every(children: Predicate[]): Predicate {
  const [a, b, c] = children;
  if (children.length === 1) return a;
  if (children.length === 2) return (context) => a(context) && b(context);
  if (children.length === 3) return (context) => a(context) && b(context) && c(context);
  return (context) => {
    for (const child of children) if (!child(context)) return false;
    return true;
  };
}

/** OR of children, likewise. */
function some(children: Predicate[]): Predicate {
  const [a, b, c] = children;
  if (children.length === 1) return a;
  if (children.length === 2) return (context) => a(context) || b(context);
  if (children.length === 3) return (context) => a(context) || b(context) || c(context);
  return (context) => {
    for (const child of children) if (child(context)) return true;
    return false;
  };
}

/**
 * A missing attribute or a type mismatch makes a leaf false, with or without `negate`
 * (`not_exists` holds on a missing attribute); `negate` inverts a comparison that was made.
 */
export function compileLeaf(leaf: LeafCondition): Predicate {
  const read = compileAttribute(leaf.attribute);
  const negate = leaf.negate === true;
  if (leaf.operator === 'exists') return (context) => !isMissing(read(context)) && !negate;
  if (leaf.operator === 'not_exists') return (context) => isMissing(read(context)) || negate;
  const test = compileTest(leaf);
  if (negate) {
    return (context) => {
      const value = read(context);
      if (isMissing(value)) return false;
      return test(value) === false;
    };
  }
  return (context) => {
    const value = read(context);
    return !isMissing(value) && test(value) === true;
  };
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
      // Validation refuses patterns RE2 cannot compile; one that slipped through never matches.
      const patterns = operands(leaf)
        .map((p) => compileRe2(String(p), ignoreCase ? 'iu' : 'u'))
        .filter((p): p is RE2 => !(p instanceof Error));
      return (value) =>
        typeof value === 'string' ? patterns.some((p) => p.test(value)) : undefined;
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
