import { servesOneValue } from './stale-configs.util';

const rule = (value: unknown, rolloutPercentage?: number) => ({
  id: 'r',
  condition: { attribute: 'user.id', operator: 'eq', value: 'x' } as never,
  value,
  ...(rolloutPercentage === undefined ? {} : { rolloutPercentage }),
});

describe('servesOneValue', () => {
  const plain = { value: 'on', defaultValue: 'off', rolloutPercentage: 100, targetingRules: [] };

  it('is true at a rollout of 100 or 0 without rules', () => {
    expect(servesOneValue(plain)).toBe(true);
    expect(servesOneValue({ ...plain, rolloutPercentage: 0 })).toBe(true);
  });

  it('is false inside a partial rollout of two values, true when they are equal', () => {
    expect(servesOneValue({ ...plain, rolloutPercentage: 50 })).toBe(false);
    expect(servesOneValue({ ...plain, defaultValue: 'on', rolloutPercentage: 50 })).toBe(true);
  });

  it('counts rules that can serve another value, not those at 0% or serving the same', () => {
    expect(servesOneValue({ ...plain, targetingRules: [rule('beta')] })).toBe(false);
    expect(servesOneValue({ ...plain, targetingRules: [rule('on')] })).toBe(true);
    expect(servesOneValue({ ...plain, targetingRules: [rule('beta', 0)] })).toBe(true);
  });

  it('compares JSON values by content', () => {
    const json = { value: { a: 1, b: [2] }, defaultValue: { b: [2], a: 1 } };
    expect(servesOneValue({ ...plain, ...json, rolloutPercentage: 30 })).toBe(true);
  });
});
