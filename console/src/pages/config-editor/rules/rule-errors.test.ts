import { describe, expect, it } from 'vitest';
import { placeErrors } from './rule-errors';
import { rulesFromApi } from './rule-tree';

const RULES = rulesFromApi([
  {
    id: 'a',
    condition: {
      all: [
        { attribute: '9x', operator: 'equals', value: 'pro' },
        { any: [{ attribute: 'user.age', operator: 'between', values: [30, 18] }] },
      ],
    },
    value: 1,
  },
  { id: 'a', condition: { attribute: 'user.tags', operator: 'in', values: ['x', null] }, value: 2 },
]);

const error = (path: string, message: string) => ({ path, rule: 'r', message });

describe('validation errors in the builder', () => {
  it('puts each error at the rule or condition field its path names', () => {
    const placed = placeErrors(RULES, [
      error('targetingRules[0].condition.all[0].attribute', 'must be a dotted path'),
      error('input.targetingRules[1].id', 'repeats the id of an earlier rule'),
      error(
        'targetingRules[0].condition.all[1].any[0].values',
        'low must not be greater than high',
      ),
      error('targetingRules[0].value', 'must be at most 10'),
    ]);
    expect(placed).toEqual({
      at: {
        'targetingRules[0].condition.all[0].attribute': ['must be a dotted path'],
        'targetingRules[1].id': ['repeats the id of an earlier rule'],
        'targetingRules[0].condition.all[1].any[0].values': ['low must not be greater than high'],
        'targetingRules[0].value': ['must be at most 10'],
      },
      unplaced: [],
    });
  });

  it('gives between its own bound, and a list its item, saying which', () => {
    const placed = placeErrors(RULES, [
      error('targetingRules[0].condition.all[1].any[0].values[1]', 'must be a number'),
      error('targetingRules[1].condition.values[1]', 'must be a string, number or boolean'),
    ]);
    expect(placed.at).toEqual({
      'targetingRules[0].condition.all[1].any[0].values[1]': ['must be a number'],
      'targetingRules[1].condition.values': ['[1]: must be a string, number or boolean'],
    });
  });

  it('shows errors deeper than any field on the nearest rule or condition', () => {
    const placed = placeErrors(RULES, [
      error('targetingRules[0].colour', 'is not a rule field'),
      error('targetingRules[0].condition.all[0]', 'equals takes either value or values'),
      error('targetingRules[0].condition.all[1].any', 'must be a non-empty list of conditions'),
      error('targetingRules[0].value.deep[2]', 'must be a string'),
    ]);
    expect(placed.at).toEqual({
      'targetingRules[0]': ['colour: is not a rule field'],
      'targetingRules[0].condition.all[0]': ['equals takes either value or values'],
      'targetingRules[0].condition.all[1].any': ['must be a non-empty list of conditions'],
      'targetingRules[0].value': ['deep[2]: must be a string'],
    });
  });

  it('keeps what no field shows for the list as a whole', () => {
    const placed = placeErrors(RULES, [
      error('targetingRules', 'a config has at most 100 rules'),
      error('targetingRules[7].id', 'must be 1-64 letters'),
    ]);
    expect(placed.unplaced).toEqual([
      'a config has at most 100 rules',
      'targetingRules[7].id: must be 1-64 letters',
    ]);
  });
});
