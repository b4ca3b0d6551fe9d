import fc from 'fast-check';
import { compare, SemVer } from 'semver';
import { Condition, LeafCondition, Operator } from '../config-state';
import { parseIsoDate } from '../dates';
import { parseLooseSemver } from '../semver';
import { compileCondition } from './conditions';
import { beginSession, SharedConditions } from './shared';

/**
 * The reference: DESIGN.md's semantics written as plainly as possible, with no compilation
 * and no sharing, so the compiled evaluator can be checked against it.
 */
function lookup(context: unknown, path: string): unknown {
  let value = context;
  for (const segment of path.split('.')) {
    if (
      typeof value !== 'object' ||
      value === null ||
      !Object.prototype.hasOwnProperty.call(value, segment)
    ) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function number(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(value))
    return Number.isFinite(Number(value)) ? Number(value) : undefined;
  return undefined;
}

/** true / false, or undefined when the value's type does not fit the operator. */
function compareLeaf(leaf: LeafCondition, value: unknown): boolean | undefined {
  const fold = (s: string) => (leaf.ignoreCase ? s.toLowerCase() : s);
  const operands = leaf.values ?? [leaf.value];
  const scalarEquals = (): boolean | undefined => {
    const sameType = operands.filter((o) => typeof o === typeof value);
    if (!['string', 'number', 'boolean'].includes(typeof value) || sameType.length === 0)
      return undefined;
    return sameType.some((o) =>
      typeof o === 'string' ? fold(o) === fold(value as string) : o === value,
    );
  };
  const strings = (test: (v: string, o: string) => boolean) =>
    typeof value === 'string'
      ? operands.some((o) => test(fold(value), fold(String(o))))
      : undefined;
  const invert = (r: boolean | undefined) => (r === undefined ? undefined : !r);
  const numeric = (test: (v: number) => boolean) => {
    const n = number(value);
    return n === undefined ? undefined : test(n);
  };
  const versions = (test: (order: number) => boolean) => {
    const v = parseLooseSemver(value);
    if (!v) return undefined;
    return operands.some((o) => test(compare(v, parseLooseSemver(o) as SemVer)));
  };
  const dates = (test: (t: number, o: number) => boolean) => {
    const t = parseIsoDate(value);
    return t === null ? undefined : test(t, parseIsoDate(leaf.value) as number);
  };
  switch (leaf.operator) {
    case 'equals':
    case 'in':
      return scalarEquals();
    case 'not_equals':
    case 'not_in':
      return invert(scalarEquals());
    case 'contains':
      return strings((v, o) => v.includes(o));
    case 'not_contains':
      return invert(strings((v, o) => v.includes(o)));
    case 'starts_with':
      return strings((v, o) => v.startsWith(o));
    case 'ends_with':
      return strings((v, o) => v.endsWith(o));
    case 'greater_than':
      return numeric((n) => n > Number(leaf.value));
    case 'greater_than_or_equal':
      return numeric((n) => n >= Number(leaf.value));
    case 'less_than':
      return numeric((n) => n < Number(leaf.value));
    case 'less_than_or_equal':
      return numeric((n) => n <= Number(leaf.value));
    case 'between':
      return numeric((n) => n >= Number(operands[0]) && n <= Number(operands[1]));
    case 'semver_equals':
      return versions((o) => o === 0);
    case 'semver_greater_than':
      return versions((o) => o > 0);
    case 'semver_less_than':
      return versions((o) => o < 0);
    case 'before':
      return dates((t, o) => t < o);
    case 'after':
      return dates((t, o) => t > o);
    default:
      return undefined;
  }
}

function reference(condition: Condition, context: unknown): boolean {
  if ('all' in condition) return condition.all.every((c) => reference(c, context));
  if ('any' in condition) return condition.any.some((c) => reference(c, context));
  const value = lookup(context, condition.attribute);
  const present = value !== undefined && value !== null;
  if (condition.operator === 'exists') return present && !condition.negate;
  if (condition.operator === 'not_exists') return !present || condition.negate === true;
  if (!present) return false;
  const result = compareLeaf(condition, value);
  if (result === undefined) return false;
  return condition.negate ? !result : result;
}

// Generators: a small vocabulary, so that random contexts hit random conditions often.
const attributes = [
  'user.id',
  'user.country',
  'user.plan',
  'user.age',
  'app.version',
  'device.os',
  'signupDate',
  'user.beta',
];
const strings = fc.constantFrom(
  'DE',
  'fr',
  'FR',
  'pro',
  'free',
  'ios',
  'iOS 17',
  'android',
  '42',
  '3.5',
  '+5',
  '.5',
  ' 2.5 ',
  '0x10',
  '',
  'Infinity',
  '1e400',
  'user-1',
  '',
);
const numbers = fc.constantFrom(0, 1, 18, 30, 30.5, 42, -3, 1e6);
const versions = fc.constantFrom('1.0.0', 'v1.2', '2', '1.2.3-beta.1', '10.0.1', 'V3.1');
const dates = fc.constantFrom('2024-01-01', '2025-06-15T12:00:00Z', '2026-11-24T08:30:00+02:00');
const scalar = fc.oneof(strings, numbers, fc.boolean());
const contextValue = fc.oneof(
  scalar,
  versions,
  dates,
  fc.constant(null),
  fc.constant([1, 2]),
  fc.constant({ nested: 1 }),
);

const leaf: fc.Arbitrary<LeafCondition> = fc
  .record({
    attribute: fc.constantFrom(...attributes),
    negate: fc.boolean(),
    ignoreCase: fc.boolean(),
    kind: fc.constantFrom<Operator>(
      'equals',
      'not_equals',
      'in',
      'not_in',
      'contains',
      'not_contains',
      'starts_with',
      'ends_with',
      'greater_than',
      'greater_than_or_equal',
      'less_than',
      'less_than_or_equal',
      'between',
      'semver_equals',
      'semver_greater_than',
      'semver_less_than',
      'before',
      'after',
      'exists',
      'not_exists',
    ),
    single: scalar,
    list: fc.array(scalar, { minLength: 1, maxLength: 4 }),
    number: numbers,
    range: fc.tuple(numbers, numbers),
    version: versions,
    versionList: fc.array(versions, { minLength: 1, maxLength: 3 }),
    date: dates,
    string: strings,
    stringList: fc.array(strings, { minLength: 1, maxLength: 3 }),
    useList: fc.boolean(),
  })
  .map((r) => {
    const base = { attribute: r.attribute, operator: r.kind, negate: r.negate };
    const stringOp = ['contains', 'not_contains', 'starts_with', 'ends_with'].includes(r.kind);
    switch (r.kind) {
      case 'equals':
        return {
          ...base,
          ignoreCase: r.ignoreCase,
          ...(r.useList ? { values: r.list } : { value: r.single }),
        };
      case 'not_equals':
        return { ...base, ignoreCase: r.ignoreCase, value: r.single };
      case 'in':
      case 'not_in':
        return { ...base, ignoreCase: r.ignoreCase, values: r.list };
      case 'between':
        return { ...base, values: [Math.min(...r.range), Math.max(...r.range)] };
      case 'semver_equals':
        return { ...base, ...(r.useList ? { values: r.versionList } : { value: r.version }) };
      case 'semver_greater_than':
      case 'semver_less_than':
        return { ...base, value: r.version };
      case 'before':
      case 'after':
        return { ...base, value: r.date };
      case 'exists':
      case 'not_exists':
        return base;
      default:
        if (stringOp) {
          const multi = r.useList && r.kind !== 'not_contains';
          return {
            ...base,
            ignoreCase: r.ignoreCase,
            ...(multi ? { values: r.stringList } : { value: r.string }),
          };
        }
        return { ...base, value: r.number };
    }
  });

const condition: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }).map((all) => ({ all })),
    fc.array(tie('node'), { maxLength: 4 }).map((any) => ({ any })),
  ),
})).node;

const context = fc.record(
  {
    user: fc.record(
      {
        id: fc.oneof(strings, numbers),
        country: contextValue,
        plan: contextValue,
        age: contextValue,
        beta: contextValue,
      },
      { requiredKeys: [] },
    ),
    app: fc.record({ version: contextValue }, { requiredKeys: [] }),
    device: fc.record({ os: contextValue }, { requiredKeys: [] }),
    signupDate: contextValue,
  },
  { requiredKeys: [] },
);

describe('compiled conditions', () => {
  it('agree with the reference interpreter on random trees and contexts', () => {
    fc.assert(
      fc.property(
        condition,
        fc.array(context, { minLength: 1, maxLength: 10 }),
        (tree, contexts) => {
          const compiled = compileCondition(tree);
          for (const ctx of contexts) expect(compiled(ctx)).toBe(reference(tree, ctx));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agree with the reference interpreter when many trees share one table and its memo', () => {
    fc.assert(
      fc.property(
        fc.array(condition, { minLength: 1, maxLength: 8 }),
        fc.array(context, { minLength: 1, maxLength: 5 }),
        (trees, contexts) => {
          const shared = new SharedConditions();
          const compiled = trees.map((tree) => compileCondition(tree, shared));
          for (const ctx of contexts) {
            beginSession();
            // Twice over: the second pass reads the answers the first one memoized.
            for (const pass of [1, 2]) {
              compiled.forEach((predicate, i) =>
                expect([pass, predicate(ctx)]).toEqual([pass, reference(trees[i], ctx)]),
              );
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads a leaf a fixed number of times however deep it is nested (compile stays linear)', () => {
    // Interning each node by its subtree's JSON serialized every leaf once per level above it:
    // 500 leaves of 20 values, 10 deep, took ~200 ms of CPU.
    const reads = (depth: number) => {
      let count = 0;
      const leaf = {
        attribute: 'user.plan',
        operator: 'in',
        get values() {
          count += 1;
          return ['pro', 'team'];
        },
      } as LeafCondition;
      let tree: Condition = leaf;
      for (let level = 0; level < depth; level += 1) tree = { all: [tree] };
      const compiled = compileCondition(tree, new SharedConditions());
      beginSession();
      expect(compiled({ user: { plan: 'team' } })).toBe(true);
      return count;
    };
    expect(reads(10)).toBe(reads(0));
  });

  it('keeps operands and paths out of the code it generates', () => {
    const sneaky = '"); throw new Error("injected"); ("';
    const compiled = compileCondition({
      any: [
        { attribute: `user.${sneaky}`, operator: 'equals', value: sneaky },
        { attribute: 'user.x', operator: 'in', values: ['`${process.exit(1)}`', '*/ x /*'] },
      ],
    });
    expect(compiled({ user: { [sneaky]: sneaky } })).toBe(true);
    expect(compiled({ user: { x: '`${process.exit(1)}`' } })).toBe(true);
    expect(compiled({ user: { x: '*/ x /*' } })).toBe(true);
    expect(compiled({ user: { x: 'y' } })).toBe(false);
  });

  it.each<[string, LeafCondition, unknown, boolean]>([
    [
      'a missing attribute is false',
      { attribute: 'user.plan', operator: 'equals', value: 'pro' },
      {},
      false,
    ],
    [
      'even when negated',
      { attribute: 'user.plan', operator: 'equals', value: 'pro', negate: true },
      {},
      false,
    ],
    [
      'a type mismatch is false',
      { attribute: 'user.plan', operator: 'equals', value: 'pro' },
      { user: { plan: 42 } },
      false,
    ],
    [
      'even when negated',
      { attribute: 'user.plan', operator: 'equals', value: 'pro', negate: true },
      { user: { plan: 42 } },
      false,
    ],
    [
      'negate inverts a present attribute',
      { attribute: 'user.plan', operator: 'equals', value: 'pro', negate: true },
      { user: { plan: 'free' } },
      true,
    ],
    [
      'not_exists holds on a missing attribute',
      { attribute: 'user.plan', operator: 'not_exists' },
      { user: {} },
      true,
    ],
    [
      'null counts as missing',
      { attribute: 'user.plan', operator: 'exists' },
      { user: { plan: null } },
      false,
    ],
    [
      'numeric strings compare as numbers',
      { attribute: 'user.age', operator: 'greater_than', value: 30 },
      { user: { age: '31' } },
      true,
    ],
    ...(
      [
        ['+5', true],
        ['.5', false],
        [' 2.5 ', false],
        ['1e3', true],
        ['0x10', false],
        ['', false],
        ['Infinity', false],
        ['1e400', false],
        ['-1e400', false],
      ] as const
    ).flatMap(([age, greater]): [string, LeafCondition, unknown, boolean][] => [
      [
        `"${age}" is ${greater ? 'a number above 3' : 'no number above 3'}`,
        { attribute: 'user.age', operator: 'greater_than', value: 3 },
        { user: { age: age } },
        greater,
      ],
      [
        `"${age}" is ${['.5', ' 2.5 '].includes(age) ? 'a number, not above 3' : 'a number or a mismatch, even negated'}`,
        { attribute: 'user.age', operator: 'greater_than', value: 3, negate: true },
        { user: { age: age } },
        ['.5', ' 2.5 '].includes(age),
      ],
    ]),
    [
      'the number 1e400 (Infinity in JavaScript) is a mismatch, even negated',
      { attribute: 'user.age', operator: 'less_than', value: 3, negate: true },
      { user: { age: Infinity } },
      false,
    ],
    [
      'ignoreCase folds both sides',
      { attribute: 'user.country', operator: 'in', values: ['de', 'fr'], ignoreCase: true },
      { user: { country: 'DE' } },
      true,
    ],
    [
      'loose semver reads v1.2 as 1.2.0',
      { attribute: 'app.version', operator: 'semver_equals', value: '1.2.0' },
      { app: { version: 'v1.2' } },
      true,
    ],
    [
      'a number is no version',
      { attribute: 'app.version', operator: 'semver_greater_than', value: '1.0.0' },
      { app: { version: 2 } },
      false,
    ],
    [
      'between is inclusive',
      { attribute: 'user.age', operator: 'between', values: [18, 30] },
      { user: { age: 30 } },
      true,
    ],
    [
      'before compares instants',
      { attribute: 'signupDate', operator: 'before', value: '2025-01-01' },
      { signupDate: '2024-12-31T23:00:00-02:00' },
      false,
    ],
    [
      'prototype members are not attributes',
      { attribute: 'user.constructor', operator: 'exists' },
      { user: {} },
      false,
    ],
  ])('%s', (_label, leafCondition, ctx, expected) => {
    expect(compileCondition(leafCondition)(ctx)).toBe(expected);
  });

  describe('a pattern that cannot compile never matches, negated or not', () => {
    const broken = '(a)\\1';
    it.each<[string, LeafCondition, boolean]>([
      ['alone', { attribute: 'user.email', operator: 'matches', value: broken }, false],
      [
        'alone, negated',
        { attribute: 'user.email', operator: 'matches', value: broken, negate: true },
        false,
      ],
      [
        'beside a pattern that matches',
        { attribute: 'user.email', operator: 'matches', values: [broken, '^x'] },
        true,
      ],
      [
        'beside a pattern that matches, negated',
        { attribute: 'user.email', operator: 'matches', values: [broken, '^x'], negate: true },
        false,
      ],
      [
        'beside a pattern that does not match, negated',
        { attribute: 'user.email', operator: 'matches', values: [broken, '^y'], negate: true },
        false,
      ],
    ])('%s', (_label, leaf, expected) => {
      expect(compileCondition(leaf)({ user: { email: 'xaa' } })).toBe(expected);
    });

    it('while a valid pattern that does not match, negated, holds', () => {
      const leaf: LeafCondition = {
        attribute: 'user.email',
        operator: 'matches',
        value: '^y',
        negate: true,
      };
      expect(compileCondition(leaf)({ user: { email: 'xaa' } })).toBe(true);
    });
  });

  it('matches with RE2 in linear time, even on a catastrophic pattern', () => {
    const hostile = { user: { email: `${'a'.repeat(50_000)}!` } };
    expect(
      compileCondition({ attribute: 'user.email', operator: 'matches', value: '(a+)+$' })(hostile),
    ).toBe(false);
    expect(
      compileCondition({ attribute: 'user.email', operator: 'matches', value: '(a+)+!' })(hostile),
    ).toBe(true);
    expect(
      compileCondition({
        attribute: 'user.email',
        operator: 'matches',
        value: 'A+!',
        ignoreCase: true,
      })(hostile),
    ).toBe(true);
  });

  it('never throws and never touches Object.prototype for hostile contexts', () => {
    const tree = compileCondition({
      any: [
        { attribute: '__proto__.polluted', operator: 'exists' },
        { attribute: 'a.b.c.d', operator: 'equals', value: 1 },
      ],
    });
    const hostile = JSON.parse(
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}, "a": {"b": 7}}',
    );
    expect(() => tree(hostile)).not.toThrow();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const ctx of [null, undefined, 42, 'str', [], { a: null }, { a: { b: { c: [] } } }]) {
      expect(() => tree(ctx)).not.toThrow();
    }
  });
});
