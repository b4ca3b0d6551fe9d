import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, type ConfigState } from '../../../../../src/engine/config-state';
import { validateConfigState } from '../../../../../src/engine/validate';
import {
  allowsIgnoreCase,
  allowsNegate,
  ATTRIBUTE_TYPES,
  operatorsFor,
  pickerToIso,
  typedOperand,
  valueShape,
  type AttributeType,
  type ValueShape,
} from './operators';
import {
  addChild,
  addRule,
  duplicateRule,
  moveRule,
  newGroup,
  newLeaf,
  nodeAt,
  removeNode,
  removeRule,
  rulesFromApi,
  rulesToApi,
  setCondition,
  setLeafFields,
  setMode,
  setOperator,
  setSeveral,
  setType,
  UnsupportedRules,
  updateNode,
  updateRuleFields,
  type ConditionNode,
  type LeafNode,
  type RuleNode,
} from './rule-tree';

const STORED = [
  {
    id: 'pro-in-europe',
    name: 'Pro users in Europe',
    condition: {
      all: [
        { attribute: 'user.plan', operator: 'equals', value: 'pro', ignoreCase: true },
        {
          any: [
            { attribute: 'user.country', operator: 'in', values: ['FR', 'DE'] },
            { attribute: 'user.age', operator: 'between', values: [18, 30], negate: true },
          ],
        },
      ],
    },
    value: 8,
    rolloutPercentage: 25.5,
  },
  {
    value: 3,
    condition: { attribute: 'app.version', operator: 'semver_less_than', value: '2' },
    id: 'old',
  },
];

/** The leaf at `path` of rule `rule`'s condition. */
function leafOf(rules: RuleNode[], rule: number, path: number[]): LeafNode {
  return nodeAt(rules[rule].condition!, path) as LeafNode;
}

/** Rule `rule` with the node at `path` changed. */
function changeNode(
  rules: RuleNode[],
  rule: number,
  path: number[],
  change: (node: ConditionNode) => ConditionNode,
): RuleNode[] {
  return setCondition(rules, rule, updateNode(rules[rule].condition!, path, change));
}

describe('rule builder state', () => {
  it('converts the API JSON and back to exactly the same JSON, key order included', () => {
    const rules = rulesFromApi(STORED);
    expect(JSON.stringify(rulesToApi(rules))).toBe(JSON.stringify(STORED));
  });

  it('reads each leaf with the type its operator and operands imply', () => {
    const rules = rulesFromApi(STORED);
    expect(leafOf(rules, 0, [0]).type).toBe('string');
    expect(leafOf(rules, 0, [1, 1]).type).toBe('number');
    expect(leafOf(rules, 1, []).type).toBe('semver');
  });

  it('refuses JSON it cannot show, saying where', () => {
    expect(() => rulesFromApi({})).toThrow(UnsupportedRules);
    expect(() => rulesFromApi([{ id: 'a', condition: { all: [], any: [] } }])).toThrow(
      /targetingRules\[0\]\.condition is not a group/,
    );
    expect(() =>
      rulesFromApi([{ id: 'a', condition: { all: [{ attribute: 'x', operator: 'eq' }] } }]),
    ).toThrow(/targetingRules\[0\]\.condition\.all\[0\]\.operator/);
    expect(() =>
      rulesFromApi([{ id: 'a', condition: { attribute: 'x', operator: 'equals', value: {} } }]),
    ).toThrow(/not text, a number or a boolean/);
  });

  it('adds a rule with a free id, one condition to fill in and the given value', () => {
    const rules = addRule(addRule([], 0), 0);
    expect(rulesToApi(rules)).toEqual([
      {
        id: 'rule-1',
        condition: { all: [{ attribute: '', operator: 'equals', value: '' }] },
        value: 0,
      },
      {
        id: 'rule-2',
        condition: { all: [{ attribute: '', operator: 'equals', value: '' }] },
        value: 0,
      },
    ]);
  });

  it('builds a nested AND/OR tree in the shape the API takes', () => {
    let rules = addRule([], 8);
    rules = updateRuleFields(rules, 0, { id: 'pro-in-europe' });
    rules = changeNode(rules, 0, [0], (leaf) =>
      setLeafFields(leaf as LeafNode, { attribute: 'user.plan', value: 'pro' }),
    );
    rules = setCondition(rules, 0, addChild(rules[0].condition!, [], newGroup('any')));
    rules = changeNode(rules, 0, [1, 0], (leaf) =>
      setLeafFields(setOperator(leaf as LeafNode, 'in'), {
        attribute: 'user.country',
        values: ['FR', 'DE'],
      }),
    );
    rules = setCondition(rules, 0, addChild(rules[0].condition!, [1], newLeaf()));
    rules = changeNode(rules, 0, [1, 1], (leaf) =>
      setLeafFields(setType(leaf as LeafNode, 'boolean'), { attribute: 'user.beta' }),
    );
    expect(rulesToApi(rules)).toEqual([
      {
        id: 'pro-in-europe',
        condition: {
          all: [
            { attribute: 'user.plan', operator: 'equals', value: 'pro' },
            {
              any: [
                { attribute: 'user.country', operator: 'in', values: ['FR', 'DE'] },
                { attribute: 'user.beta', operator: 'equals', value: true },
              ],
            },
          ],
        },
        value: 8,
      },
    ]);
  });

  it('switches a group between all and any, and removes nodes down to no condition', () => {
    let rules = rulesFromApi(STORED);
    rules = setCondition(rules, 0, setMode(rules[0].condition!, [1], 'all'));
    rules = setCondition(rules, 0, removeNode(rules[0].condition!, [0]));
    expect(rulesToApi(rules)[0].condition).toEqual({
      all: [{ all: (STORED[0].condition as { all: [unknown, { any: unknown[] }] }).all[1].any }],
    });
    rules = setCondition(rules, 0, removeNode(rules[0].condition!, []));
    expect(rulesToApi(rules)[0]).not.toHaveProperty('condition');
    rules = setCondition(rules, 0, newGroup('all'));
    expect(Object.keys(rulesToApi(rules)[0])).toEqual([
      'id',
      'name',
      'condition',
      'value',
      'rolloutPercentage',
    ]);
  });

  it('wraps a single-leaf condition in all when a condition is added to it', () => {
    const rules = rulesFromApi(STORED);
    const condition = addChild(rules[1].condition!, [], newLeaf());
    expect(condition).toMatchObject({ kind: 'group', mode: 'all' });
    expect(rulesToApi(setCondition(rules, 1, condition))[1].condition).toEqual({
      all: [STORED[1].condition, { attribute: '', operator: 'equals', value: '' }],
    });
  });

  it('moves, duplicates and removes rules', () => {
    const rules = rulesFromApi(STORED);
    expect(rulesToApi(moveRule(rules, 1, 0)).map((r) => r.id)).toEqual(['old', 'pro-in-europe']);
    expect(rulesToApi(moveRule(rules, 0, -1)).map((r) => r.id)).toEqual(['pro-in-europe', 'old']);
    const copied = duplicateRule(rules, 0);
    expect(rulesToApi(copied).map((r) => r.id)).toEqual([
      'pro-in-europe',
      'pro-in-europe-copy',
      'old',
    ]);
    expect(rulesToApi(copied)[1].condition).toEqual(STORED[0].condition);
    expect(new Set(copied.map((r) => r.key)).size).toBe(3);
    expect(copied[1].condition!.key).not.toBe(copied[0].condition!.key);
    expect(rulesToApi(duplicateRule(copied, 0))[1].id).toBe('pro-in-europe-copy-1');
    expect(rulesToApi(removeRule(rules, 0)).map((r) => r.id)).toEqual(['old']);
  });

  it('sets and removes rule fields in place', () => {
    let rules = rulesFromApi(STORED);
    rules = updateRuleFields(rules, 0, { rolloutPercentage: undefined, id: 'eu' });
    expect(Object.keys(rulesToApi(rules)[0])).toEqual(['id', 'name', 'condition', 'value']);
    expect(rulesToApi(rules)[0].id).toBe('eu');
  });
});

describe('changing a condition operator', () => {
  const leaf = (fields: Record<string, unknown>, type: LeafNode['type'] = 'string'): LeafNode => ({
    kind: 'leaf',
    key: 'x',
    type,
    fields: { attribute: 'user.country', ...fields },
  });

  it('carries one value into a list and back', () => {
    const inList = setOperator(leaf({ operator: 'equals', value: 'FR' }), 'in');
    expect(inList.fields).toEqual({ attribute: 'user.country', operator: 'in', values: ['FR'] });
    const back = setOperator(inList, 'not_equals');
    expect(back.fields).toEqual({ attribute: 'user.country', operator: 'not_equals', value: 'FR' });
    const emptyList = setOperator(leaf({ operator: 'equals', value: '' }), 'in');
    expect(emptyList.fields.values).toEqual([]);
  });

  it('gives between a pair and exists no value, dropping flags the operator does not take', () => {
    const age = leaf({ operator: 'greater_than', value: 18, negate: true }, 'number');
    expect(setOperator(age, 'between').fields).toEqual({
      attribute: 'user.country',
      operator: 'between',
      values: [18, null],
      negate: true,
    });
    expect(setOperator(age, 'exists').fields).toEqual({
      attribute: 'user.country',
      operator: 'exists',
    });
    const folded = leaf({ operator: 'contains', value: 'a', ignoreCase: true });
    expect(setOperator(folded, 'matches').fields.ignoreCase).toBe(true);
  });

  it('changes the type: keeps a fitting operator, else the first of the type, and clears operands', () => {
    const plan = leaf({ operator: 'in', values: ['1', '2'] });
    expect(setType(plan, 'number').fields).toEqual({
      attribute: 'user.country',
      operator: 'in',
      values: [],
    });
    const folded = leaf({ operator: 'contains', value: 'a', ignoreCase: true });
    expect(setType(folded, 'date')).toMatchObject({
      type: 'date',
      fields: { attribute: 'user.country', operator: 'before', value: null },
    });
    expect(setType(folded, 'boolean').fields).toEqual({
      attribute: 'user.country',
      operator: 'equals',
      value: true,
    });
  });

  it('switches an operator that takes one or several values between value and values', () => {
    const one = leaf({ operator: 'starts_with', value: 'a' });
    const several = setSeveral(one, true);
    expect(several.fields).toEqual({
      attribute: 'user.country',
      operator: 'starts_with',
      values: ['a'],
    });
    expect(setSeveral(setLeafFields(several, { values: ['b', 'c'] }), false).fields.value).toBe(
      'b',
    );
    const list = leaf({ operator: 'in', values: ['a'] });
    expect(setSeveral(list, false)).toBe(list);
  });
});

describe('what the builder writes', () => {
  /** What a person would enter in the input each shape shows. */
  const SAMPLES: Record<ValueShape, (type: AttributeType) => Record<string, unknown>> = {
    none: () => ({}),
    list: (type) => ({ values: [typedOperand(type, type === 'number' ? '5' : 'pro')] }),
    pair: () => ({ values: [1, 2] }),
    number: () => ({ value: 5 }),
    date: () => ({ value: pickerToIso('2026-11-24 08:30:00') }),
    boolean: () => ({ value: true }),
    text: (type) => ({ value: type === 'semver' ? '1.2' : 'pro' }),
  };

  it('passes the server validation for every operator of every type, with and without flags', () => {
    const rules: Record<string, unknown>[] = [];
    for (const type of ATTRIBUTE_TYPES) {
      for (const operator of operatorsFor(type)) {
        let leaf = setOperator(setType(newLeaf(), type), operator);
        const shape = valueShape(operator, type, leaf.fields.values !== undefined);
        leaf = setLeafFields(leaf, { attribute: 'user.x', ...SAMPLES[shape](type) });
        if (allowsNegate(operator)) leaf = setLeafFields(leaf, { negate: true });
        if (allowsIgnoreCase(operator, type)) leaf = setLeafFields(leaf, { ignoreCase: true });
        rules.push({ id: `r${rules.length}`, condition: { all: [leaf.fields] }, value: 1 });
      }
    }
    const state = {
      ...CONFIG_DEFAULTS,
      key: 'k',
      valueType: 'integer' as const,
      value: 1,
      defaultValue: 0,
    };
    expect(
      validateConfigState({
        ...state,
        targetingRules: rules as unknown as ConfigState['targetingRules'],
      }),
    ).toEqual([]);
  });
});
