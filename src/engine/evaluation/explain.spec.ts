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
