import { describe, expect, it } from 'vitest';
import {
  allowsIgnoreCase,
  allowsNegate,
  ATTRIBUTE_TYPES,
  inferType,
  isoToPicker,
  operatorsFor,
  OPERATORS,
  pickerToIso,
  typedOperand,
  valueShape,
} from './operators';

describe('operators by attribute type', () => {
  it('offers only the operators that fit each type', () => {
    expect(operatorsFor('boolean')).toEqual(['equals', 'not_equals', 'exists', 'not_exists']);
    expect(operatorsFor('date')).toEqual(['before', 'after', 'exists', 'not_exists']);
    expect(operatorsFor('semver')).toEqual([
      'semver_equals',
      'semver_greater_than',
      'semver_less_than',
      'exists',
      'not_exists',
    ]);
    expect(operatorsFor('number')).toEqual(
      expect.arrayContaining(['in', 'greater_than', 'between', 'equals']),
    );
    expect(operatorsFor('number')).not.toContain('contains');
    expect(operatorsFor('string')).toEqual(
      expect.arrayContaining(['in', 'contains', 'matches', 'starts_with']),
    );
    expect(operatorsFor('string')).not.toContain('greater_than');
  });

  it('offers every operator of the engine under some type', () => {
    const offered = new Set(ATTRIBUTE_TYPES.flatMap(operatorsFor));
    expect(OPERATORS.filter((o) => !offered.has(o))).toEqual([]);
  });
});

describe('value inputs per operator', () => {
  it('gives lists to in / not_in, two bounds to between, dates to before / after', () => {
    expect(valueShape('in', 'string', true)).toBe('list');
    expect(valueShape('not_in', 'number', true)).toBe('list');
    expect(valueShape('between', 'number', true)).toBe('pair');
    expect(valueShape('before', 'date', false)).toBe('date');
    expect(valueShape('after', 'date', false)).toBe('date');
    expect(valueShape('exists', 'string', false)).toBe('none');
  });

  it('gives number inputs to numeric operators and to equals on a number', () => {
    expect(valueShape('greater_than', 'number', false)).toBe('number');
    expect(valueShape('equals', 'number', false)).toBe('number');
    expect(valueShape('equals', 'boolean', false)).toBe('boolean');
    expect(valueShape('equals', 'string', false)).toBe('text');
    expect(valueShape('semver_greater_than', 'semver', false)).toBe('text');
  });

  it('gives a list to an operator that takes one value or several once it has several', () => {
    expect(valueShape('equals', 'string', true)).toBe('list');
    expect(valueShape('starts_with', 'string', true)).toBe('list');
    expect(valueShape('greater_than', 'number', true)).toBe('number');
  });

  it('offers ignoreCase on string operators of strings only, negate where a comparison is made', () => {
    expect(allowsIgnoreCase('contains', 'string')).toBe(true);
    expect(allowsIgnoreCase('equals', 'number')).toBe(false);
    expect(allowsIgnoreCase('greater_than', 'number')).toBe(false);
    expect(allowsNegate('in')).toBe(true);
    expect(allowsNegate('exists')).toBe(false);
  });
});

describe('operands', () => {
  it('writes numbers and booleans as JSON numbers and booleans, since the engine compares by type', () => {
    expect(typedOperand('number', '42')).toBe(42);
    expect(typedOperand('number', '2.5')).toBe(2.5);
    expect(typedOperand('number', 'abc')).toBe('abc');
    expect(typedOperand('number', '')).toBe('');
    expect(typedOperand('string', '42')).toBe('42');
    expect(typedOperand('boolean', 'true')).toBe(true);
  });

  it('infers the type of a stored condition from its operator, then its operands', () => {
    expect(inferType('between', [1, 2])).toBe('number');
    expect(inferType('after', ['2026-01-01'])).toBe('date');
    expect(inferType('semver_less_than', ['2.0'])).toBe('semver');
    expect(inferType('in', [1, 2])).toBe('number');
    expect(inferType('equals', [true])).toBe('boolean');
    expect(inferType('equals', ['pro'])).toBe('string');
    expect(inferType('exists', [])).toBe('string');
  });

  it('reads ISO dates into the picker as UTC and writes the picked time back as ISO', () => {
    expect(isoToPicker('2026-11-24')).toBe('2026-11-24 00:00:00');
    expect(isoToPicker('2026-11-24T08:30:00+02:00')).toBe('2026-11-24 06:30:00');
    expect(isoToPicker('tomorrow')).toBeNull();
    expect(pickerToIso('2026-11-24 00:00:00')).toBe('2026-11-24');
    expect(pickerToIso('2026-11-24 06:30:00')).toBe('2026-11-24T06:30:00Z');
    expect(pickerToIso(null)).toBeNull();
  });
});
