import vectors from '../../../test/fixtures/bucketing-vectors.json';
import { bucketOf } from '../bucketing';
import { ExperimentVariant, RunningExperiment } from '../experiment-state';
import { compileConfig, evaluateAll } from './compile-config';
import { assignExperimentVariant, variantAt, variantBounds } from './experiment';
import { SharedConditions } from './shared';
import { de, pro, stored } from './test-support';

const variants = (...weights: number[]): ExperimentVariant[] =>
  weights.map((weight, i) => ({
    key: `v${i}`,
    name: `Variant ${i}`,
    value: `value-${i}`,
    weight,
    control: i === 0,
  }));

const experiment = (overrides: Partial<RunningExperiment> = {}): RunningExperiment => ({
  id: 'e1',
  key: 'exp-42',
  assignment: 'consistent',
  trafficPercentage: 100,
  variants: variants(50, 50),
  ...overrides,
});

const user = (id: string, more: Record<string, unknown> = {}) => ({ user: { id, ...more } });

describe('compileConfig: step 3, a running experiment', () => {
  it.each([[[50, 50]], [[20, 30.5, 49.5]], [[5, 5, 5, 5, 10, 10, 10, 15, 15, 20]]])(
    'splits 100,000 subjects within 1%% of the weights %j',
    (weights) => {
      const config = compileConfig({
        ...stored(),
        experiment: experiment({ variants: variants(...weights) }),
      });
      const counts = new Map<string | undefined, number>();
      const subjects = 100_000;
      // No expect per subject: jest's matchers would cost more than the evaluations.
      for (let i = 0; i < subjects; i += 1) {
        const { variant } = config.evaluate(user(`subject-${i}`));
        counts.set(variant, (counts.get(variant) ?? 0) + 1);
      }
      expect(counts.has(undefined)).toBe(false);
      weights.forEach((weight, i) => {
        const share = ((counts.get(`v${i}`) ?? 0) / subjects) * 100;
        expect(Math.abs(share - weight)).toBeLessThan(1);
      });
    },
  );

  it('serves the variant value with reason EXPERIMENT and the variant key, shared and frozen', () => {
    const config = compileConfig({ ...stored(), experiment: experiment() });
    const first = config.evaluate(user('u1'));
    expect(first).toEqual({
      key: 'checkout.banner',
      value: first.variant === 'v0' ? 'value-0' : 'value-1',
      reason: 'EXPERIMENT',
      version: 3,
      variant: first.variant,
    });
    expect(config.evaluate(user('u1'))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('moves no subject between variants when the traffic grows (10% → 50% → 100%)', () => {
    const at = (trafficPercentage: number) =>
      compileConfig({
        ...stored(),
        experiment: experiment({ trafficPercentage, variants: variants(30, 30, 40) }),
      });
    const stages = [at(10), at(50), at(100)];
    const inside = [0, 0, 0];
    const moved: string[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const id = `subject-${i}`;
      let before: string | undefined;
      stages.forEach((config, stage) => {
        const { variant } = config.evaluate(user(id));
        if (variant !== undefined) inside[stage] += 1;
        if (before !== undefined && variant !== before) moved.push(`${id} at stage ${stage}`);
        before = variant;
      });
    }
    expect(moved).toEqual([]);
    expect(inside[0] / 20_000).toBeCloseTo(0.1, 1);
    expect(inside[1] / 20_000).toBeCloseTo(0.5, 1);
    expect(inside[2]).toBe(20_000);
  });

  it('lets in the subjects whose traffic bucket is below the percentage times 100', () => {
    const config = compileConfig({
      ...stored({ value: 'rules' }),
      experiment: experiment({ trafficPercentage: 12.34 }),
    });
    for (let i = 0; i < 2_000; i += 1) {
      const id = `u${i}`;
      const inside = bucketOf('exp-42:traffic', id) < 1234;
      expect(config.evaluate(user(id)).reason).toBe(inside ? 'EXPERIMENT' : 'FALLTHROUGH');
    }
    const none = compileConfig({ ...stored(), experiment: experiment({ trafficPercentage: 0 }) });
    expect(none.evaluate(user('u1')).reason).toBe('FALLTHROUGH');
  });

  it('buckets non-ASCII ids by their UTF-8 bytes (the committed vectors)', () => {
    const bucket = (salt: string, id: string) =>
      vectors.find((v) => v.salt === salt && v.id === id)?.bucket;
    const ids = vectors
      .filter((v) => v.salt === 'exp-42:traffic' && [...v.id].some((c) => c.codePointAt(0)! > 0x7f))
      .map((v) => v.id)
      .filter((id) => id !== '' && bucket('exp-42:variant', id) !== undefined);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    const running = experiment({ trafficPercentage: 50, variants: variants(25, 25, 50) });
    const config = compileConfig({ ...stored(), experiment: running });
    const bounds = variantBounds(running.variants);
    for (const id of ids) {
      const inside = bucket('exp-42:traffic', id)! < 5000;
      const expected = inside ? `v${variantAt(bounds, bucket('exp-42:variant', id)!)}` : undefined;
      expect([id, config.evaluate(user(id)).variant]).toEqual([id, expected]);
    }
  });

  it('leaves out a subject without a stickiness value, even at 100% traffic', () => {
    const config = compileConfig({ ...stored(), experiment: experiment() });
    expect(config.evaluate({ user: { plan: 'pro' } })).toMatchObject({ reason: 'FALLTHROUGH' });
    expect(config.evaluate({ user: { id: '' } })).toMatchObject({ reason: 'FALLTHROUGH' });
    expect(config.evaluate({}, 'subject-1')).toMatchObject({ reason: 'EXPERIMENT' });
  });

  it("buckets by the config's stickiness and by OpenFeature's targetingKey", () => {
    const config = compileConfig({
      ...stored({ stickiness: 'account.id' }),
      experiment: experiment({ variants: variants(50, 50) }),
    });
    expect(config.evaluate(user('u1')).reason).toBe('FALLTHROUGH');
    for (let i = 0; i < 50; i += 1) {
      const a = config.evaluate({ account: { id: `a${i}` } }).variant;
      expect(config.evaluate({}, `a${i}`).variant).toBe(a);
      expect(a).toBe(`v${bucketOf('exp-42:variant', `a${i}`) < 5000 ? 0 : 1}`);
    }
  });

  it('archived beats the experiment; the experiment beats the targeting rules', () => {
    const rules = [{ id: 'pro', condition: pro, value: 'rule' }];
    const archived = compileConfig({
      ...stored({ archived: true, targetingRules: rules }),
      experiment: experiment(),
    });
    expect(archived.evaluate(user('u1', { plan: 'pro' }))).toMatchObject({ reason: 'DISABLED' });
    const running = compileConfig({
      ...stored({ targetingRules: rules }),
      experiment: experiment(),
    });
    expect(running.evaluate(user('u1', { plan: 'pro' }))).toMatchObject({ reason: 'EXPERIMENT' });
    const outside = compileConfig({
      ...stored({ targetingRules: rules }),
      experiment: experiment({ trafficPercentage: 0 }),
    });
    expect(outside.evaluate(user('u1', { plan: 'pro' }))).toMatchObject({ ruleId: 'pro' });
  });

  it('targeting: only subjects whose context matches enter, consistent within', () => {
    const targeted = experiment({ assignment: 'targeting', targeting: { all: [pro, de] } });
    const config = compileConfig({ ...stored(), experiment: targeted }, new SharedConditions());
    const consistent = compileConfig({ ...stored(), experiment: experiment() });
    for (let i = 0; i < 100; i += 1) {
      const id = `u${i}`;
      expect(config.evaluate(user(id, { plan: 'pro', country: 'DE' }))).toEqual(
        consistent.evaluate(user(id)),
      );
      expect(config.evaluate(user(id, { plan: 'pro', country: 'FR' })).reason).toBe('FALLTHROUGH');
      expect(config.evaluate(user(id)).reason).toBe('FALLTHROUGH');
    }
  });

  it('random: serves the stored variant, read live; a subject with none falls through', () => {
    const assignments = new Map([['u1', 'v1']]);
    const config = compileConfig({
      ...stored({ targetingRules: [{ id: 'pro', condition: pro, value: 'rule' }] }),
      experiment: experiment({ assignment: 'random', assignments }),
    });
    expect(config.evaluate(user('u1'))).toMatchObject({
      reason: 'EXPERIMENT',
      variant: 'v1',
      value: 'value-1',
    });
    expect(config.evaluate(user('u2', { plan: 'pro' }))).toMatchObject({ ruleId: 'pro' });
    assignments.set('u2', 'v0');
    expect(config.evaluate(user('u2', { plan: 'pro' }))).toMatchObject({ variant: 'v0' });
    assignments.set('u3', 'gone');
    expect(config.evaluate(user('u3')).reason).toBe('FALLTHROUGH');
    const empty = compileConfig({ ...stored(), experiment: experiment({ assignment: 'random' }) });
    expect(empty.evaluate(user('u1')).reason).toBe('FALLTHROUGH');
  });

  it('evaluates experiments alongside other configs in one session', () => {
    const shared = new SharedConditions();
    const targeted = experiment({ assignment: 'targeting', targeting: pro });
    const configs = [
      compileConfig(
        { ...stored({ key: 'a', targetingRules: [{ id: 'r', condition: pro, value: 'x' }] }) },
        shared,
      ),
      compileConfig({ ...stored({ key: 'b' }), experiment: targeted }, shared),
    ];
    const results = evaluateAll(configs, user('u1', { plan: 'pro' }));
    expect(results.map((r) => r.reason)).toEqual(['TARGETING_MATCH', 'EXPERIMENT']);
    expect(evaluateAll(configs, user('u1')).map((r) => r.reason)).toEqual([
      'FALLTHROUGH',
      'FALLTHROUGH',
    ]);
  });
});

describe('assignExperimentVariant', () => {
  it('assigns as evaluation serves, for every assignment type', () => {
    const cases = [
      experiment({ trafficPercentage: 40, variants: variants(10, 90) }),
      experiment({ assignment: 'targeting', targeting: pro }),
      experiment({ assignment: 'random', assignments: new Map([['u3', 'v1']]) }),
    ];
    for (const running of cases) {
      const config = compileConfig({ ...stored(), experiment: running });
      for (let i = 0; i < 300; i += 1) {
        const context = user(`u${i}`, i % 2 ? { plan: 'pro' } : {});
        expect(assignExperimentVariant(running, context)?.key).toBe(
          config.evaluate(context).variant,
        );
      }
    }
  });

  it("uses the config's stickiness and a targetingKey", () => {
    const running = experiment();
    const byAccount = assignExperimentVariant(
      running,
      { account: { id: 'a1' } },
      { stickiness: 'account.id' },
    );
    expect(byAccount?.key).toBe(`v${bucketOf('exp-42:variant', 'a1') < 5000 ? 0 : 1}`);
    expect(assignExperimentVariant(running, { account: { id: 'a1' } })).toBeUndefined();
    expect(assignExperimentVariant(running, {}, { targetingKey: 'a1' })).toBe(byAccount);
  });

  it('gives consecutive bucket ranges by weight, the last ending at 10000', () => {
    expect(variantBounds(variants(33.33, 33.33, 33.34))).toEqual([3333, 6666, 10000]);
    expect(variantBounds(variants(0.01, 99.99))).toEqual([1, 10000]);
    expect([0, 1, 9999].map((b) => variantAt([1, 10000], b))).toEqual([0, 1, 1]);
  });
});
