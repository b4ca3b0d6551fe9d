import { ConfigState } from '../config-state';
import { ActiveDeployment } from '../deployment-state';
import { RunningExperiment } from '../experiment-state';
import { compileConfig, evaluateAll, StoredConfig } from './compile-config';
import { SharedConditions } from './shared';
import { de, pro, stored } from './test-support';

const DEPLOYMENT_ID = '3f2a9c4e-7b1d-4e2a-9c3b-5d6e7f8a9b0c';

/** The candidate: the stable state (`stored()`'s) with other values and `overrides`. */
function candidate(overrides: Partial<ConfigState> = {}): ConfigState {
  return { ...stored().state, value: 'candidate', defaultValue: 'candidate-default', ...overrides };
}

function deployed(
  percentage: number,
  candidateOverrides: Partial<ConfigState> = {},
  stableOverrides: Partial<ConfigState> = {},
): StoredConfig {
  const deployment: ActiveDeployment = {
    id: DEPLOYMENT_ID,
    percentage,
    candidate: candidate(candidateOverrides),
  };
  return { ...stored(stableOverrides), deployment };
}

describe('compileConfig step 4: an active deployment', () => {
  /**
   * Buckets of `checkout.banner:<DEPLOYMENT_ID>:<id>` computed outside this codebase, by a
   * MurmurHash3 x86_32 written in Python over the UTF-8 bytes (checked against the published
   * "hello" → 0x248bfa47), modulo 10,000.
   */
  const golden: [string, number][] = [
    ['user-1', 8246],
    ['user-2', 1238],
    ['user-42', 8644],
    ['alice', 1835],
    ['bob@example.com', 4313],
    ['42', 1435],
    ['émile', 4451],
    ['用户-7', 802],
    ['🚀rocket', 5617],
    ['a-much-longer-subject-identifier-0123456789', 9533],
  ];

  // Each percentage is one golden bucket: that subject is just outside (bucket < p × 100).
  it.each([12.38, 18.35, 44.51, 56.17, 82.46, 95.33, 95.34])(
    'serves the candidate at %s%% exactly to the subjects whose golden bucket is below it',
    (percentage) => {
      const config = compileConfig(deployed(percentage));
      for (const [id, bucket] of golden) {
        const result = config.evaluate({ user: { id } });
        expect([id, result.value]).toEqual([
          id,
          bucket < Math.round(percentage * 100) ? 'candidate' : 'value',
        ]);
      }
    },
  );

  it('tags candidate results with the deployment id, and only them', () => {
    const config = compileConfig(deployed(50));
    expect(config.evaluate({ user: { id: 'user-2' } })).toEqual({
      key: 'checkout.banner',
      value: 'candidate',
      reason: 'FALLTHROUGH',
      version: 3,
      deploymentId: DEPLOYMENT_ID,
    });
    expect(config.evaluate({ user: { id: 'user-1' } })).toEqual({
      key: 'checkout.banner',
      value: 'value',
      reason: 'FALLTHROUGH',
      version: 3,
    });
  });

  it('only adds subjects as the percentage rises, each share within 1% over 100,000 ids', () => {
    const percentages = [0.5, 1, 5, 10, 25, 33.33, 50, 75, 99, 99.99];
    const configs = percentages.map((p) => compileConfig(deployed(p)));
    const ids = Array.from({ length: 100_000 }, (_, i) => `subject-${i}`);
    const onCandidate = new Array<number>(percentages.length).fill(0);
    for (const id of ids) {
      const context = { user: { id } };
      let before = false;
      configs.forEach((config, i) => {
        const inside = config.evaluate(context).deploymentId === DEPLOYMENT_ID;
        // Once on the candidate at a percentage, on it at every higher one.
        if (before && !inside) throw new Error(`${id} left the candidate at ${percentages[i]}%`);
        before = inside;
        if (inside) onCandidate[i] += 1;
      });
    }
    percentages.forEach((p, i) => {
      expect([p, Math.abs((100 * onCandidate[i]) / ids.length - p) <= 1]).toEqual([p, true]);
    });
  });

  it('serves no one the candidate at 0% and everyone at 100%, with or without a subject', () => {
    const none = compileConfig(deployed(0));
    const all = compileConfig(deployed(100));
    for (const context of [{ user: { id: 'user-2' } }, { user: { id: 'user-1' } }, {}]) {
      expect(none.evaluate(context)).not.toHaveProperty('deploymentId');
      expect(none.evaluate(context).value).toBe('value');
      expect(all.evaluate(context)).toMatchObject({
        value: 'candidate',
        deploymentId: DEPLOYMENT_ID,
      });
    }
  });

  it('keeps a subject without a stickiness value on the stable state in between', () => {
    const config = compileConfig(deployed(99.99, {}, { rolloutPercentage: 50 }));
    expect(config.evaluate({})).toEqual({
      key: 'checkout.banner',
      value: 'default',
      reason: 'DEFAULT',
      version: 3,
      errorCode: 'TARGETING_KEY_MISSING',
    });
    expect(config.evaluate({ user: { id: '' } })).not.toHaveProperty('deploymentId');
  });

  it("buckets by the stable state's stickiness, or the targetingKey when given", () => {
    const config = compileConfig(
      deployed(50, { stickiness: 'user.id' }, { stickiness: 'tenant.id' }),
    );
    for (const [id, bucket] of golden) {
      const expected = bucket < 5000 ? 'candidate' : 'value';
      expect([id, config.evaluate({ tenant: { id }, user: { id: 'other' } }).value]).toEqual([
        id,
        expected,
      ]);
      expect([id, config.evaluate({}, id).value]).toEqual([id, expected]);
    }
    expect(config.evaluate({ user: { id: 'user-2' } }).value).toBe('value');
  });

  it("evaluates the candidate's own rules, rollout, value and default", () => {
    const config = compileConfig(
      deployed(
        100,
        {
          rolloutPercentage: 0,
          targetingRules: [{ id: 'de', condition: de, value: 'candidate-de' }],
        },
        { targetingRules: [{ id: 'pro', condition: pro, value: 'stable-pro' }] },
      ),
    );
    expect(config.evaluate({ user: { id: 'u', plan: 'pro' } })).toEqual({
      key: 'checkout.banner',
      value: 'candidate-default',
      reason: 'DEFAULT',
      version: 3,
      deploymentId: DEPLOYMENT_ID,
    });
    expect(config.evaluate({ user: { id: 'u', country: 'DE' } })).toEqual({
      key: 'checkout.banner',
      value: 'candidate-de',
      reason: 'TARGETING_MATCH',
      version: 3,
      ruleId: 'de',
      deploymentId: DEPLOYMENT_ID,
    });
  });

  it('serves DISABLED with its default to the candidate subjects of an archived candidate', () => {
    const config = compileConfig(deployed(50, { archived: true }));
    expect(config.evaluate({ user: { id: 'user-2' } })).toEqual({
      key: 'checkout.banner',
      value: 'candidate-default',
      reason: 'DISABLED',
      version: 3,
      deploymentId: DEPLOYMENT_ID,
    });
    expect(config.evaluate({ user: { id: 'user-1' } }).reason).toBe('FALLTHROUGH');
  });

  it('is not reached when the stable state is archived (step 2 first)', () => {
    const config = compileConfig(deployed(100, {}, { archived: true }));
    expect(config.evaluate({ user: { id: 'user-2' } })).toEqual({
      key: 'checkout.banner',
      value: 'default',
      reason: 'DISABLED',
      version: 3,
    });
  });

  it('comes after a running experiment: only subjects outside it reach the deployment', () => {
    const experiment: RunningExperiment = {
      id: 'e',
      key: 'banner-test',
      assignment: 'targeting',
      trafficPercentage: 100,
      targeting: pro,
      variants: [
        { key: 'a', name: 'A', value: 'variant-a', weight: 50, control: true },
        { key: 'b', name: 'B', value: 'variant-b', weight: 50, control: false },
      ],
    };
    const config = compileConfig({ ...deployed(100), experiment });
    const inside = config.evaluate({ user: { id: 'user-2', plan: 'pro' } });
    expect(inside.reason).toBe('EXPERIMENT');
    expect(inside).not.toHaveProperty('deploymentId');
    expect(config.evaluate({ user: { id: 'user-2', plan: 'free' } })).toMatchObject({
      value: 'candidate',
      deploymentId: DEPLOYMENT_ID,
    });
    // No subject: never in the experiment; the deployment at 100% takes everyone.
    expect(config.evaluate({ user: { plan: 'pro' } }).value).toBe('candidate');
  });

  it('serves with shared conditions exactly what each config serves on its own', () => {
    const states = [10, 50, 90].map((percentage, i) =>
      deployed(
        percentage,
        { targetingRules: [{ id: 'c', condition: { all: [pro, de] }, value: `c${i}` }] },
        { key: `k${i}`, targetingRules: [{ id: 's', condition: pro, value: `s${i}` }] },
      ),
    );
    const shared = new SharedConditions();
    const together = states.map((state) => compileConfig(state, shared));
    const alone = states.map((state) => compileConfig(state));
    for (let i = 0; i < 400; i += 1) {
      // Every combination of plan and country, with and without an id, ids across buckets.
      const user = {
        ...(i % 5 === 0 ? {} : { id: `u${i}` }),
        ...(i % 3 === 0 ? {} : { plan: i % 3 === 1 ? 'pro' : 'free' }),
        country: i % 2 ? 'DE' : 'FR',
      };
      const expected = alone.map((config) => config.evaluate({ user }));
      expect(evaluateAll(together, { user })).toEqual(expected);
    }
  });

  it('serves frozen results shared between evaluations', () => {
    const config = compileConfig(deployed(50));
    const first = config.evaluate({ user: { id: 'user-2' } });
    expect(Object.isFrozen(first)).toBe(true);
    expect(config.evaluate({ user: { id: 'user-2' } })).toBe(first);
  });
});
