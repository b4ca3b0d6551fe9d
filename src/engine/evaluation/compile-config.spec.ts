import fc from 'fast-check';
import { bucketOf } from '../bucketing';
import { LeafCondition } from '../config-state';
import { compileConfig, evaluateAll } from './compile-config';
import { SharedConditions } from './shared';
import { explainConfig } from './explain';
import { de, pro, stored } from './test-support';

describe('compileConfig: order and reasons', () => {
  it('serves the default value of an archived config, DISABLED', () => {
    const config = compileConfig(
      stored({ archived: true, targetingRules: [{ id: 'r', condition: pro, value: 'x' }] }),
    );
    expect(config.evaluate({ user: { plan: 'pro' } })).toEqual({
      key: 'checkout.banner',
      value: 'default',
      reason: 'DISABLED',
      version: 3,
    });
  });

  it('serves the first rule that matches and whose rollout includes the subject', () => {
    const config = compileConfig(
      stored({
        rolloutPercentage: 0,
        targetingRules: [
          { id: 'nobody', condition: pro, value: 'never', rolloutPercentage: 0 },
          { id: 'pro', condition: pro, value: 'pro' },
          { id: 'de', condition: de, value: 'de' },
        ],
      }),
    );
    expect(config.evaluate({ user: { plan: 'pro', country: 'DE' } })).toMatchObject({
      value: 'pro',
      reason: 'TARGETING_MATCH',
      ruleId: 'pro',
    });
    expect(config.evaluate({ user: { country: 'DE' } })).toMatchObject({ ruleId: 'de' });
    expect(config.evaluate({ user: { country: 'FR' } })).toEqual({
      key: 'checkout.banner',
      value: 'default',
      reason: 'DEFAULT',
      version: 3,
    });
  });

  it('serves the value at 100% as FALLTHROUGH, with or without a subject', () => {
    const config = compileConfig(stored());
    expect(config.evaluate({})).toMatchObject({ value: 'value', reason: 'FALLTHROUGH' });
    expect(config.evaluate({ user: { id: 'u' } })).toMatchObject({ reason: 'FALLTHROUGH' });
  });

  it('rolls out by bucket of the config key, and says when there is no subject', () => {
    const config = compileConfig(stored({ rolloutPercentage: 30 }));
    for (let i = 0; i < 200; i += 1) {
      const id = `user-${i}`;
      const inside = bucketOf('checkout.banner', id) < 3000;
      expect(config.evaluate({ user: { id } })).toMatchObject(
        inside ? { value: 'value', reason: 'ROLLOUT' } : { value: 'default', reason: 'DEFAULT' },
      );
    }
    expect(config.evaluate({ user: {} })).toEqual({
      key: 'checkout.banner',
      value: 'default',
      reason: 'DEFAULT',
      version: 3,
      errorCode: 'TARGETING_KEY_MISSING',
    });
    expect(compileConfig(stored({ rolloutPercentage: 0 })).evaluate({})).not.toHaveProperty(
      'errorCode',
    );
  });

  it('takes user.id, then device.id, or the configured attribute; numbers count', () => {
    const byDefault = compileConfig(stored({ rolloutPercentage: 50 }));
    const id = 'subject-1';
    const expected = bucketOf('checkout.banner', id) < 5000 ? 'ROLLOUT' : 'DEFAULT';
    expect(byDefault.evaluate({ device: { id } }).reason).toBe(expected);
    expect(byDefault.evaluate({ user: { id }, device: { id: 'other' } }).reason).toBe(expected);
    expect(byDefault.evaluate({ user: { id: '' }, device: { id } }).reason).toBe(expected);
    const custom = compileConfig(stored({ rolloutPercentage: 50, stickiness: 'tenant.id' }));
    expect(custom.evaluate({ tenant: { id } }).reason).toBe(expected);
    expect(custom.evaluate({ user: { id } }).errorCode).toBe('TARGETING_KEY_MISSING');
    const numeric = bucketOf('checkout.banner', '42') < 5000 ? 'ROLLOUT' : 'DEFAULT';
    expect(byDefault.evaluate({ user: { id: 42 } }).reason).toBe(numeric);
  });

  it('buckets a rule rollout by configKey:ruleId', () => {
    const config = compileConfig(
      stored({
        rolloutPercentage: 0,
        targetingRules: [{ id: 'half', condition: pro, value: 'pro', rolloutPercentage: 50 }],
      }),
    );
    for (let i = 0; i < 100; i += 1) {
      const id = `u${i}`;
      const inside = bucketOf('checkout.banner:half', id) < 5000;
      expect(config.evaluate({ user: { id, plan: 'pro' } }).reason).toBe(
        inside ? 'TARGETING_MATCH' : 'DEFAULT',
      );
    }
  });

  it('uses a targetingKey as the stickiness value when one is given', () => {
    const config = compileConfig(stored({ rolloutPercentage: 50, stickiness: 'device.id' }));
    for (let i = 0; i < 50; i += 1) {
      const key = `t${i}`;
      expect(config.evaluate({}, key)).toBe(config.evaluate({ device: { id: key } }));
    }
  });

  it('never throws for any context and never touches Object.prototype', () => {
    const config = compileConfig(
      stored({
        rolloutPercentage: 50,
        targetingRules: [
          {
            id: 'all-operators',
            condition: {
              any: [
                pro,
                { attribute: 'user.age', operator: 'between', values: [18, 30] },
                { attribute: 'app.version', operator: 'semver_less_than', value: '2.0.0' },
                { attribute: 'user.email', operator: 'matches', value: '(a+)+$' },
                { attribute: 'user.since', operator: 'before', value: '2026-01-01' },
                { attribute: 'constructor', operator: 'exists' },
              ],
            },
            value: 'x',
          },
        ],
      }),
    );
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (context) => {
        expect(() => config.evaluate(context)).not.toThrow();
        expect(() => config.evaluate({ user: context, app: { version: context } })).not.toThrow();
      }),
      { numRuns: 3000 },
    );
    const hostile = JSON.parse(
      '{"__proto__": {"plan": "pro"}, "user": {"__proto__": {"plan": "pro", "id": "x"}}}',
    );
    expect(config.evaluate(hostile).errorCode).toBe('TARGETING_KEY_MISSING');
    expect(config.evaluate({ user: { email: `${'a'.repeat(100_000)}!` } }).reason).not.toBe(
      'TARGETING_MATCH',
    );
    expect(({} as Record<string, unknown>).plan).toBeUndefined();
  });
});

describe('shared conditions and evaluateAll', () => {
  it('serve exactly what each config serves on its own, context after context', () => {
    const plan = (value: string): LeafCondition => ({
      attribute: 'user.plan',
      operator: 'equals',
      value,
    });
    const states = ['a', 'b', 'c', 'd'].map((key, i) =>
      stored({
        key,
        rolloutPercentage: 50,
        targetingRules: [
          { id: 'r1', condition: { any: [plan('pro'), de] }, value: `${key}-1` },
          { id: 'r2', condition: { all: [plan(i % 2 ? 'pro' : 'free'), de] }, value: `${key}-2` },
        ],
      }),
    );
    const shared = new SharedConditions();
    const together = states.map((state) => compileConfig(state, shared));
    const alone = states.map((state) => compileConfig(state));
    const user = fc.record(
      {
        id: fc.string({ maxLength: 3 }),
        plan: fc.constantFrom('pro', 'free', 7),
        country: fc.constantFrom('DE', 'FR'),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(user, { minLength: 1, maxLength: 5 }), fc.nat(3), (users, one) => {
        // Several contexts in a row: no answer may leak from one context's session to the next.
        for (const u of users) {
          const expected = alone.map((config) => config.evaluate({ user: u }));
          expect(evaluateAll(together, { user: u })).toEqual(expected);
          expect(together[one].evaluate({ user: u })).toEqual(expected[one]);
          expect(together[one].evaluate({ user: u }, 'tk')).toEqual(
            alone[one].evaluate({ user: u }, 'tk'),
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it('starts a fresh table past its limit without changing any answer', () => {
    const shared = new SharedConditions(2);
    const configs = ['x', 'y', 'z'].map((key) =>
      compileConfig(
        stored({ key, targetingRules: [{ id: 'r', condition: { all: [pro, de] }, value: key }] }),
        shared,
      ),
    );
    expect(
      evaluateAll(configs, { user: { plan: 'pro', country: 'DE' } }).map((r) => r.value),
    ).toEqual(['x', 'y', 'z']);
  });
});

describe('explainConfig', () => {
  it('explains exactly what the compiled evaluator serves', () => {
    const state = stored({
      rolloutPercentage: 40,
      targetingRules: [
        { id: 'a', condition: { all: [pro, de] }, value: 'a', rolloutPercentage: 50 },
        { id: 'b', condition: { any: [pro, de] }, value: 'b' },
      ],
    });
    const compiled = compileConfig(state);
    fc.assert(
      fc.property(
        fc.record(
          {
            id: fc.string({ maxLength: 4 }),
            plan: fc.constantFrom('pro', 'free'),
            country: fc.constantFrom('DE', 'FR'),
          },
          { requiredKeys: [] },
        ),
        (user) => {
          const { result, steps } = explainConfig(state, { user });
          expect(result).toEqual(compiled.evaluate({ user }));
          const rules = steps.filter((s) => s.kind === 'RULE');
          const firstHeld = rules.find((s) => s.outcome);
          expect(firstHeld?.ruleId).toBe(result.ruleId);
        },
      ),
      { numRuns: 500 },
    );
  });
});
