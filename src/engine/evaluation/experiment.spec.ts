import { bucketOf } from '../bucketing';
import { RunningExperiment } from '../experiment-state';
import { assignExperimentVariant, variantAtBucket } from './experiment';

const experiment = (overrides: Partial<RunningExperiment> = {}): RunningExperiment => ({
  id: 'e',
  key: 'checkout',
  assignment: 'consistent',
  trafficPercentage: 100,
  variants: [
    { key: 'a', name: 'A', value: 1, weight: 33.33, control: true },
    { key: 'b', name: 'B', value: 2, weight: 66.67, control: false },
  ],
  ...overrides,
});

describe('assignExperimentVariant', () => {
  it('takes consecutive bucket ranges by weight with salt <key>:variant', () => {
    const { variants } = experiment();
    expect(variantAtBucket(variants, 0).key).toBe('a');
    expect(variantAtBucket(variants, 3332).key).toBe('a');
    expect(variantAtBucket(variants, 3333).key).toBe('b');
    expect(variantAtBucket(variants, 9999).key).toBe('b');
    for (const subject of ['u1', 'u2', 'ü3', '42']) {
      const bucket = bucketOf('checkout:variant', subject);
      expect(assignExperimentVariant(experiment(), {}, subject)?.key).toBe(
        bucket < 3333 ? 'a' : 'b',
      );
    }
  });

  it('admits subjects by the traffic bucket (salt <key>:traffic); none without a subject', () => {
    const half = experiment({ trafficPercentage: 50 });
    for (const subject of ['u1', 'u2', 'u3', 'u4', 'u5']) {
      const inside = bucketOf('checkout:traffic', subject) < 5000;
      expect(assignExperimentVariant(half, {}, subject) !== null).toBe(inside);
    }
    expect(assignExperimentVariant(experiment(), {}, undefined)).toBeNull();
  });

  it('admits only matching subjects for targeting, and serves stored assignments for random', () => {
    const targeting = experiment({
      assignment: 'targeting',
      targeting: { attribute: 'plan', operator: 'equals', value: 'pro' },
    });
    expect(assignExperimentVariant(targeting, { plan: 'free' }, 'u1')).toBeNull();
    expect(assignExperimentVariant(targeting, { plan: 'pro' }, 'u1')).not.toBeNull();
    const random = experiment({ assignment: 'random', assignments: new Map([['u1', 'b']]) });
    expect(assignExperimentVariant(random, {}, 'u1')?.key).toBe('b');
    expect(assignExperimentVariant(random, {}, 'u2')).toBeNull();
  });
});
