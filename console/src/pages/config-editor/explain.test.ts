import { describe, expect, it } from 'vitest';
import { explainLines } from './explain';

describe('explainLines', () => {
  it('indents conditions under their rule and says the actual value', () => {
    const lines = explainLines([
      { kind: 'RULE', path: 'targetingRules[0]', ruleId: 'beta', outcome: true },
      { kind: 'ANY', path: 'targetingRules[0].condition', outcome: true },
      {
        kind: 'CONDITION',
        path: 'targetingRules[0].condition.any[0]',
        attribute: 'user.country',
        operator: 'in',
        actual: 'FR',
        outcome: true,
      },
      {
        kind: 'ROLLOUT',
        path: 'targetingRules[0].rollout',
        outcome: false,
        detail: 'bucket 73 ≥ 50',
      },
    ]);
    expect(lines).toEqual([
      { depth: 0, text: 'Rule beta', outcome: true },
      { depth: 0, text: 'Any of', outcome: true },
      { depth: 1, text: 'user.country in — actual "FR"', outcome: true },
      { depth: 1, text: 'Rollout (bucket 73 ≥ 50)', outcome: false },
    ]);
  });

  it("names a deployment's step by the state it tests for", () => {
    const [line] = explainLines([
      { kind: 'DEPLOYMENT', path: 'deployment', outcome: false, detail: 'the stable state serves' },
    ]);
    expect(line).toEqual({
      depth: 0,
      text: 'Deployment: the candidate state (the stable state serves)',
      outcome: false,
    });
  });

  it('says when the context lacks the attribute', () => {
    const [line] = explainLines([
      {
        kind: 'CONDITION',
        path: 'targetingRules[0].condition',
        attribute: 'user.plan',
        operator: 'eq',
        outcome: false,
      },
    ]);
    expect(line.text).toBe('user.plan eq — actual missing');
  });

  it('names the experiment step and the variant served', () => {
    const lines = explainLines([
      { kind: 'EXPERIMENT', path: 'experiment', outcome: true, detail: 'serves variant "b"' },
      { kind: 'ROLLOUT', path: 'experiment.trafficPercentage', outcome: true },
      { kind: 'VARIANT', path: 'experiment.variants[1]', variant: 'b', outcome: true },
    ]);
    expect(lines.map((line) => line.text)).toEqual([
      'Experiment (serves variant "b")',
      'Rollout',
      'Variant b',
    ]);
  });
});
