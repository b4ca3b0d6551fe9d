import { bucketOf } from '../bucketing';
import { ConfigState } from '../config-state';
import { ActiveDeployment } from '../deployment-state';
import { RunningExperiment } from '../experiment-state';
import { compileConfig } from './compile-config';
import { ExplainStep, explainConfig, explainStepCount } from './explain';
import { de, pro, stored } from './test-support';

const path = (steps: ExplainStep[]) =>
  steps.map((s) => `${s.path} ${s.reached ? (s.outcome ? 'true' : 'false') : 'not reached'}`);

describe('explainConfig: the path evaluation took', () => {
  it('marks the rules after the one served, and the config rollout, as not reached', () => {
    const state = stored({
      rolloutPercentage: 100,
      targetingRules: [
        { id: 'first', condition: pro, value: 'a' },
        { id: 'second', condition: pro, value: 'b' },
      ],
    });
    const { result, steps } = explainConfig(state, { user: { plan: 'pro' } });
    expect(result.ruleId).toBe('first');
    expect(path(steps)).toEqual([
      'targetingRules[0] true',
      'targetingRules[0].condition true',
      'targetingRules[0].rolloutPercentage true',
      'targetingRules[1] not reached',
      'targetingRules[1].condition not reached',
      'targetingRules[1].rolloutPercentage not reached',
      'rolloutPercentage not reached',
    ]);
    expect(steps[3].detail).toBe('not reached: rule first served');
    expect(steps[6].detail).toBe('not reached: rule first served');
  });

  it("does not evaluate a rule's rollout when its condition is false", () => {
    const state = stored({
      rolloutPercentage: 0,
      targetingRules: [{ id: 'r', condition: pro, value: 'a', rolloutPercentage: 50 }],
    });
    const { steps } = explainConfig(state, { user: { id: 'u1', plan: 'free' } });
    expect(path(steps)).toEqual([
      'targetingRules[0] false',
      'targetingRules[0].condition false',
      'targetingRules[0].rolloutPercentage not reached',
      'rolloutPercentage false',
    ]);
    expect(steps[2].detail).toBe('not reached: the condition is false');
  });

  it('stops an all at its first false child and an any at its first true one', () => {
    const state = stored({
      targetingRules: [
        { id: 'all', condition: { all: [pro, de, { any: [de] }] }, value: 'a' },
        { id: 'any', condition: { any: [de, pro, { all: [pro] }] }, value: 'b' },
      ],
    });
    const { result, steps } = explainConfig(state, { user: { plan: 'free', country: 'DE' } });
    expect(result.ruleId).toBe('any');
    expect(path(steps)).toEqual([
      'targetingRules[0] false',
      'targetingRules[0].condition false',
      'targetingRules[0].condition.all[0] false',
      'targetingRules[0].condition.all[1] not reached',
      'targetingRules[0].condition.all[2] not reached',
      'targetingRules[0].condition.all[2].any[0] not reached',
      'targetingRules[0].rolloutPercentage not reached',
      'targetingRules[1] true',
      'targetingRules[1].condition true',
      'targetingRules[1].condition.any[0] true',
      'targetingRules[1].condition.any[1] not reached',
      'targetingRules[1].condition.any[2] not reached',
      'targetingRules[1].condition.any[2].all[0] not reached',
      'targetingRules[1].rolloutPercentage true',
      'rolloutPercentage not reached',
    ]);
    expect(steps[3]).toEqual({
      path: 'targetingRules[0].condition.all[1]',
      kind: 'CONDITION',
      reached: false,
      outcome: false,
      attribute: 'user.country',
      operator: 'in',
      detail: 'not reached: targetingRules[0].condition.all[0] is false',
    });
    expect(steps[10].detail).toBe('not reached: targetingRules[1].condition.any[0] holds');
  });

  it('lists as many steps as explainStepCount says, reached or not', () => {
    const state = stored({
      targetingRules: [
        { id: 'a', condition: { all: [pro, { any: [de, pro] }] }, value: 'a' },
        { id: 'b', condition: de, value: 'b' },
      ],
    });
    for (const user of [{ plan: 'pro', country: 'DE' }, { plan: 'free' }, {}]) {
      expect(explainConfig(state, { user }).steps).toHaveLength(explainStepCount(state.state));
    }
    expect(explainStepCount(stored({ archived: true }).state)).toBe(1);
  });
});

describe('explainConfig: a running experiment (step 3)', () => {
  const variants = [
    { key: 'a', name: 'A', value: 'va', weight: 40, control: true },
    { key: 'b', name: 'B', value: 'vb', weight: 60, control: false },
  ];
  const experiment = (overrides: Partial<RunningExperiment> = {}): RunningExperiment => ({
    id: 'e1',
    key: 'exp-42',
    assignment: 'consistent',
    trafficPercentage: 50,
    variants,
    ...overrides,
  });
  const rules = [{ id: 'pro', condition: pro, value: 'rule' }];
  const withExperiment = (running: RunningExperiment) => ({
    ...stored({ targetingRules: rules }),
    experiment: running,
  });
  const subject = (inside: boolean) => {
    for (let i = 0; ; i += 1) {
      if (bucketOf('exp-42:traffic', `u${i}`) < 5000 === inside) return `u${i}`;
    }
  };

  it('shows the traffic bucket, the variant bucket and the variant, the rest not reached', () => {
    const id = subject(true);
    const { result, steps } = explainConfig(withExperiment(experiment()), {
      user: { id, plan: 'pro' },
    });
    expect(result).toMatchObject({ reason: 'EXPERIMENT' });
    const variantBucket = bucketOf('exp-42:variant', id);
    const index = variantBucket < 4000 ? 0 : 1;
    expect(result.variant).toBe(variants[index].key);
    expect(path(steps)).toEqual([
      'experiment true',
      'experiment.trafficPercentage true',
      `experiment.variants[${index}] true`,
      'targetingRules[0] not reached',
      'targetingRules[0].condition not reached',
      'targetingRules[0].rolloutPercentage not reached',
      'rolloutPercentage not reached',
    ]);
    expect(steps[0]).toMatchObject({
      kind: 'EXPERIMENT',
      detail: `consistent experiment "exp-42" serves variant "${result.variant}"`,
    });
    expect(steps[1].detail).toBe(
      `bucket ${bucketOf('exp-42:traffic', id)} of 10000 for "${id}" (salt "exp-42:traffic") is inside 50%`,
    );
    expect(steps[2]).toMatchObject({
      kind: 'VARIANT',
      variant: result.variant,
      detail: `bucket ${variantBucket} of 10000 for "${id}" (salt "exp-42:variant") is in [${index ? 4000 : 0}, ${index ? 10000 : 4000}): variant "${result.variant}"`,
    });
    expect(steps[3].detail).toBe(
      `not reached: experiment "exp-42" served variant "${result.variant}"`,
    );
  });

  it('goes on to the rules for a subject outside the traffic or without a stickiness value', () => {
    const outside = explainConfig(withExperiment(experiment()), {
      user: { id: subject(false), plan: 'pro' },
    });
    expect(outside.result).toMatchObject({ reason: 'TARGETING_MATCH', ruleId: 'pro' });
    expect(path(outside.steps).slice(0, 4)).toEqual([
      'experiment false',
      'experiment.trafficPercentage false',
      'experiment.variants not reached',
      'targetingRules[0] true',
    ]);
    expect(outside.steps[1].detail).toMatch(/is outside 50%$/);
    const anonymous = explainConfig(withExperiment(experiment({ trafficPercentage: 100 })), {
      user: { plan: 'pro' },
    });
    expect(anonymous.result.reason).toBe('TARGETING_MATCH');
    expect(anonymous.steps[1]).toMatchObject({
      reached: true,
      outcome: false,
      detail: 'no stickiness value at user.id or device.id: not in the experiment',
    });
  });

  it('explains the targeting condition of a targeting experiment', () => {
    const running = experiment({ assignment: 'targeting', targeting: { all: [pro, de] } });
    const { steps } = explainConfig(withExperiment(running), {
      user: { id: subject(true), plan: 'free' },
    });
    expect(path(steps).slice(0, 6)).toEqual([
      'experiment false',
      'experiment.targeting false',
      'experiment.targeting.all[0] false',
      'experiment.targeting.all[1] not reached',
      'experiment.trafficPercentage not reached',
      'experiment.variants not reached',
    ]);
    expect(steps[4].detail).toBe('not reached: the targeting condition is false');
    const none = explainConfig(withExperiment(experiment({ assignment: 'targeting' })), {
      user: { id: subject(true) },
    });
    expect(none.result.reason).toBe('FALLTHROUGH');
    expect(path(none.steps).slice(0, 3)).toEqual([
      'experiment false',
      'experiment.trafficPercentage not reached',
      'experiment.variants not reached',
    ]);
  });

  it('explains a random experiment by its stored assignment', () => {
    const running = experiment({ assignment: 'random', assignments: new Map([['u1', 'b']]) });
    const stored1 = explainConfig(withExperiment(running), { user: { id: 'u1' } });
    expect(stored1.result).toMatchObject({ reason: 'EXPERIMENT', variant: 'b', value: 'vb' });
    expect(stored1.steps[1]).toMatchObject({
      path: 'experiment.assignments',
      kind: 'VARIANT',
      outcome: true,
      variant: 'b',
      detail: 'variant "b" stored for "u1"',
    });
    const none = explainConfig(withExperiment(running), { user: { id: 'u2' } });
    expect(none.result.reason).toBe('FALLTHROUGH');
    expect(none.steps[1].detail).toBe(
      'no variant stored for "u2": not in the experiment (assignVariant assigns)',
    );
  });

  it('counts the experiment steps in explainStepCount', () => {
    const cases = [
      experiment(),
      experiment({ assignment: 'random' }),
      experiment({ assignment: 'targeting', targeting: { any: [pro, de] } }),
      experiment({ assignment: 'targeting' }),
    ];
    for (const running of cases) {
      const config = withExperiment(running);
      for (const user of [{ id: subject(true), plan: 'pro' }, { id: subject(false) }, {}]) {
        expect(explainConfig(config, { user }).steps).toHaveLength(
          explainStepCount(config.state, running),
        );
      }
    }
  });
});

describe('explainConfig: an active deployment (step 4)', () => {
  const salt = 'checkout.banner:d1';
  const subject = (inside: boolean, percentage = 40) => {
    for (let i = 0; ; i += 1) {
      if (bucketOf(salt, `u${i}`) < percentage * 100 === inside) return `u${i}`;
    }
  };
  const withDeployment = (percentage: number, candidate: Partial<ConfigState> = {}) => ({
    ...stored({ targetingRules: [{ id: 'pro', condition: pro, value: 'stable-pro' }] }),
    deployment: {
      id: 'd1',
      percentage,
      candidate: {
        ...stored().state,
        value: 'candidate',
        targetingRules: [{ id: 'de', condition: de, value: 'candidate-de' }],
        ...candidate,
      },
    },
  });

  it('says the candidate served, with the bucket, and lists the stable steps as not reached', () => {
    const id = subject(true);
    const bucket = bucketOf(salt, id);
    const { result, steps, deployment } = explainConfig(withDeployment(40), {
      user: { id, plan: 'pro', country: 'DE' },
    });
    expect(result).toMatchObject({ value: 'candidate-de', ruleId: 'de', deploymentId: 'd1' });
    expect(deployment).toEqual({
      deploymentId: 'd1',
      percentage: 40,
      served: 'candidate',
      bucket,
      salt,
    });
    expect(path(steps)).toEqual([
      'deployment true',
      'targetingRules[0] not reached',
      'targetingRules[0].condition not reached',
      'targetingRules[0].rolloutPercentage not reached',
      'rolloutPercentage not reached',
      'deployment.candidate.targetingRules[0] true',
      'deployment.candidate.targetingRules[0].condition true',
      'deployment.candidate.targetingRules[0].rolloutPercentage true',
      'deployment.candidate.rolloutPercentage not reached',
    ]);
    expect(steps[0]).toEqual({
      path: 'deployment',
      kind: 'DEPLOYMENT',
      reached: true,
      outcome: true,
      detail: `deployment "d1" at 40%: bucket ${bucket} of 10000 for "${id}" (salt "${salt}") is inside, the candidate state serves`,
    });
    expect(steps[1].detail).toBe('not reached: deployment "d1" serves the candidate state');
  });

  it('says the stable state served a subject outside, or one without a stickiness value', () => {
    const id = subject(false);
    const outside = explainConfig(withDeployment(40), { user: { id, plan: 'pro' } });
    expect(outside.result).toMatchObject({ value: 'stable-pro', ruleId: 'pro' });
    expect(outside.result).not.toHaveProperty('deploymentId');
    expect(outside.deployment).toMatchObject({ served: 'stable', bucket: bucketOf(salt, id) });
    expect(path(outside.steps)).toEqual([
      'deployment false',
      'targetingRules[0] true',
      'targetingRules[0].condition true',
      'targetingRules[0].rolloutPercentage true',
      'rolloutPercentage not reached',
      'deployment.candidate.targetingRules[0] not reached',
      'deployment.candidate.targetingRules[0].condition not reached',
      'deployment.candidate.targetingRules[0].rolloutPercentage not reached',
      'deployment.candidate.rolloutPercentage not reached',
    ]);
    expect(outside.steps[0].detail).toMatch(/is outside, the stable state serves$/);
    expect(outside.steps[5].detail).toBe('not reached: the stable state serves');
    const anonymous = explainConfig(withDeployment(40), { user: { plan: 'free' } });
    expect(anonymous.deployment).toMatchObject({ served: 'stable', bucket: null });
    expect(anonymous.steps[0].detail).toBe(
      'deployment "d1" at 40%: no stickiness value at user.id or device.id, the stable state serves',
    );
  });

  it('takes everyone at 100% and no one at 0%, and explains an archived candidate', () => {
    const all = explainConfig(withDeployment(100), {});
    expect(all.deployment).toMatchObject({ served: 'candidate', bucket: null });
    expect(all.steps[0].detail).toBe(
      'deployment "d1" at 100%: the candidate state serves every subject',
    );
    const none = explainConfig(withDeployment(0), { user: { id: 'u1' } });
    expect(none.deployment?.served).toBe('stable');
    const archived = explainConfig(withDeployment(100, { archived: true }), {});
    expect(archived.result).toMatchObject({ reason: 'DISABLED', deploymentId: 'd1' });
    expect(archived.steps.at(-1)).toEqual({
      path: 'deployment.candidate',
      kind: 'ARCHIVED',
      reached: true,
      outcome: true,
      detail: 'archived: the default value, DISABLED',
    });
  });

  it('is not reached when a running experiment served', () => {
    const experiment: RunningExperiment = {
      id: 'e1',
      key: 'exp-42',
      assignment: 'consistent',
      trafficPercentage: 100,
      variants: [{ key: 'a', name: 'A', value: 'va', weight: 100, control: true }],
    };
    const { steps, deployment } = explainConfig(
      { ...withDeployment(100), experiment },
      { user: { id: 'u1' } },
    );
    expect(deployment).toMatchObject({ served: null, bucket: bucketOf(salt, 'u1') });
    const step = steps.find((s) => s.kind === 'DEPLOYMENT');
    expect(step).toMatchObject({
      reached: false,
      detail: 'not reached: experiment "exp-42" served variant "a"',
    });
    expect(steps.filter((s) => s.reached).map((s) => s.path)).toEqual([
      'experiment',
      'experiment.trafficPercentage',
      'experiment.variants[0]',
    ]);
  });

  it('lists as many steps as explainStepCount says, and agrees with the evaluator', () => {
    for (const percentage of [0, 40, 100]) {
      for (const archived of [false, true]) {
        const config = withDeployment(percentage, { archived });
        const compiled = compileConfig(config);
        for (const user of [{ id: subject(true), country: 'DE' }, { id: subject(false) }, {}]) {
          const { result, steps } = explainConfig(config, { user });
          expect(result).toEqual(compiled.evaluate({ user }));
          expect(steps).toHaveLength(
            explainStepCount(config.state, null, config.deployment as ActiveDeployment),
          );
        }
      }
    }
  });
});
