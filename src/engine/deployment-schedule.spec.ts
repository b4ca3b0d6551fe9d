import fc from 'fast-check';
import { DeploymentStrategy } from './config-state';
import {
  DEPLOYMENT_PARAMETERS,
  deploymentTimeline,
  MAX_DEPLOYMENT_STEPS,
  planDeployment,
} from './deployment-schedule';
import { DeploymentStep } from './deployment-state';

const plan = (strategy: DeploymentStrategy, parameters: Record<string, unknown> = {}) =>
  planDeployment({ strategy, parameters });

/** The steps of a valid plan (the test fails with its issues otherwise). */
function stepsOf(strategy: DeploymentStrategy, parameters: Record<string, unknown> = {}) {
  const planned = plan(strategy, parameters);
  expect(planned).not.toHaveProperty('issues');
  return (planned as { steps: DeploymentStep[] }).steps;
}

/** The issues of an invalid plan, as [path, rule] pairs. */
function issuesOf(strategy: unknown, parameters: unknown) {
  const planned = planDeployment({ strategy, parameters } as never);
  expect(planned).not.toHaveProperty('steps');
  return (planned as { issues: { path: string; rule: string }[] }).issues.map((issue) => [
    issue.path,
    issue.rule,
  ]);
}

const percentages = (steps: DeploymentStep[]) => steps.map((step) => step.percentage);

describe('planDeployment: defaults', () => {
  it('serves everyone at once for immediate', () => {
    expect(stepsOf('immediate')).toEqual([{ percentage: 100, holdSeconds: 0 }]);
  });

  it('holds a 5% canary for 30 minutes, then 100%', () => {
    expect(stepsOf('canary')).toEqual([
      { percentage: 5, holdSeconds: 1800 },
      { percentage: 100, holdSeconds: 0 },
    ]);
  });

  it('adds 10% every 15 minutes for linear', () => {
    const steps = stepsOf('linear');
    expect(percentages(steps)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(steps.map((step) => step.holdSeconds)).toEqual([...Array(9).fill(900), 0]);
  });

  it('doubles from 1% every 10 minutes for exponential', () => {
    const steps = stepsOf('exponential');
    expect(percentages(steps)).toEqual([1, 2, 4, 8, 16, 32, 64, 100]);
    expect(steps.map((step) => step.holdSeconds)).toEqual([...Array(7).fill(600), 0]);
  });

  it('takes a missing parameters object as no parameters', () => {
    expect(planDeployment({ strategy: 'canary' } as never)).toEqual(plan('canary'));
  });
});

describe('planDeployment: parameters', () => {
  it('takes the canary percentage and hold, in minutes or seconds', () => {
    expect(stepsOf('canary', { canaryPercentage: 0.5, holdMinutes: 90 })).toEqual([
      { percentage: 0.5, holdSeconds: 5400 },
      { percentage: 100, holdSeconds: 0 },
    ]);
    expect(stepsOf('canary', { holdSeconds: 5 })[0].holdSeconds).toBe(5);
  });

  it('ends a linear schedule at 100 whatever the step divides', () => {
    expect(percentages(stepsOf('linear', { stepPercentage: 30 }))).toEqual([30, 60, 90, 100]);
    expect(percentages(stepsOf('linear', { stepPercentage: 33.33 }))).toEqual([
      33.33, 66.66, 99.99, 100,
    ]);
    expect(stepsOf('linear', { stepPercentage: 100 })).toEqual([
      { percentage: 100, holdSeconds: 0 },
    ]);
    expect(stepsOf('linear', { intervalSeconds: 1 })[0].holdSeconds).toBe(1);
    expect(stepsOf('linear', { intervalMinutes: 0.1 })[0].holdSeconds).toBe(6);
  });

  it('multiplies by the factor, rounded to hundredths and at least 0.01 more each step', () => {
    expect(percentages(stepsOf('exponential', { initialPercentage: 5, factor: 3 }))).toEqual([
      5, 15, 45, 100,
    ]);
    expect(
      percentages(stepsOf('exponential', { initialPercentage: 0.01, factor: 1.5 })).slice(0, 6),
    ).toEqual([0.01, 0.02, 0.03, 0.05, 0.08, 0.12]);
    expect(percentages(stepsOf('exponential', { factor: 1.5 }))).toEqual([
      1, 1.5, 2.25, 3.38, 5.07, 7.61, 11.42, 17.13, 25.7, 38.55, 57.83, 86.75, 100,
    ]);
  });

  it('takes an explicit list of percentages instead of the shape', () => {
    for (const strategy of ['canary', 'linear', 'exponential'] as const) {
      expect(percentages(stepsOf(strategy, { percentages: [1, 12.5, 100] }))).toEqual([
        1, 12.5, 100,
      ]);
    }
    expect(stepsOf('canary', { percentages: [2, 20, 100], holdSeconds: 60 })).toEqual([
      { percentage: 2, holdSeconds: 60 },
      { percentage: 20, holdSeconds: 60 },
      { percentage: 100, holdSeconds: 0 },
    ]);
    expect(
      stepsOf('linear', { percentages: Array.from({ length: 100 }, (_, i) => i + 1) }),
    ).toHaveLength(100);
  });

  it('gives a strictly increasing schedule ending at 100 for any valid shape', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 1.01, max: 50, noNaN: true }),
        fc.integer({ min: 1, max: 3600 }),
        (initial, factor, intervalSeconds) => {
          const planned = plan('exponential', {
            initialPercentage: initial / 100,
            factor,
            intervalSeconds,
          });
          if ('issues' in planned) {
            expect(planned.issues.map((issue) => issue.rule)).toEqual(['maxSteps']);
            return;
          }
          const list = percentages(planned.steps);
          expect(list[list.length - 1]).toBe(100);
          list.slice(1).forEach((p, i) => expect(p).toBeGreaterThan(list[i]));
          list.forEach((p) => expect(Math.round(p * 100) / 100).toBe(p));
          expect(planned.steps.length).toBeLessThanOrEqual(MAX_DEPLOYMENT_STEPS);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('planDeployment: bad input', () => {
  it('refuses an unknown strategy and parameters that are not an object', () => {
    expect(issuesOf('big-bang', {})).toEqual([['strategy', 'type']]);
    expect(issuesOf('linear', [10])).toEqual([['parameters', 'type']]);
    expect(issuesOf('linear', 'fast')).toEqual([['parameters', 'type']]);
    expect(planDeployment(null as never)).toHaveProperty('issues');
  });

  it('refuses parameters the strategy does not take, naming the ones it does', () => {
    expect(issuesOf('immediate', { holdMinutes: 5 })).toEqual([
      ['parameters.holdMinutes', 'unknownParameter'],
    ]);
    const planned = planDeployment({ strategy: 'linear', parameters: { factor: 2 } });
    expect(planned).toEqual({
      issues: [
        {
          path: 'parameters.factor',
          rule: 'unknownParameter',
          message: `is not a parameter of linear: it takes ${DEPLOYMENT_PARAMETERS.linear.join(', ')}`,
        },
      ],
    });
  });

  it('refuses percentages outside 0-100, of more than two decimals, or of the wrong type', () => {
    expect(issuesOf('linear', { stepPercentage: 0 })).toEqual([
      ['parameters.stepPercentage', 'range'],
    ]);
    expect(issuesOf('linear', { stepPercentage: -5 })).toEqual([
      ['parameters.stepPercentage', 'range'],
    ]);
    expect(issuesOf('exponential', { initialPercentage: 100.5 })).toEqual([
      ['parameters.initialPercentage', 'range'],
    ]);
    expect(issuesOf('canary', { canaryPercentage: 100 })).toEqual([
      ['parameters.canaryPercentage', 'range'],
    ]);
    expect(issuesOf('canary', { canaryPercentage: 1.005 })).toEqual([
      ['parameters.canaryPercentage', 'decimals'],
    ]);
    expect(issuesOf('canary', { canaryPercentage: '5' })).toEqual([
      ['parameters.canaryPercentage', 'type'],
    ]);
    expect(issuesOf('linear', { stepPercentage: Infinity })).toEqual([
      ['parameters.stepPercentage', 'range'],
    ]);
    expect(issuesOf('exponential', { factor: 1 })).toEqual([['parameters.factor', 'range']]);
    expect(issuesOf('exponential', { factor: null })).toEqual([['parameters.factor', 'type']]);
  });

  it('refuses zero, negative, non-finite, fractional-second and over-long intervals', () => {
    for (const bad of [0, -1, Infinity, NaN]) {
      expect(issuesOf('linear', { intervalMinutes: bad })).toEqual([
        ['parameters.intervalMinutes', 'range'],
      ]);
    }
    expect(issuesOf('canary', { holdSeconds: 1.5 })).toEqual([
      ['parameters.holdSeconds', 'wholeSeconds'],
    ]);
    expect(issuesOf('canary', { holdMinutes: 0.001 })).toEqual([
      ['parameters.holdMinutes', 'wholeSeconds'],
    ]);
    expect(issuesOf('exponential', { intervalMinutes: 30 * 24 * 60 + 1 })).toEqual([
      ['parameters.intervalMinutes', 'range'],
    ]);
    expect(issuesOf('linear', { intervalSeconds: '60' })).toEqual([
      ['parameters.intervalSeconds', 'type'],
    ]);
    expect(issuesOf('linear', { intervalMinutes: 1, intervalSeconds: 60 })).toEqual([
      ['parameters.intervalSeconds', 'exclusive'],
    ]);
  });

  it('refuses an explicit list that is not increasing, out of range or not ending at 100', () => {
    expect(issuesOf('linear', { percentages: [10, 10, 100] })).toEqual([
      ['parameters.percentages[1]', 'increasing'],
    ]);
    expect(issuesOf('linear', { percentages: [50, 20, 100] })).toEqual([
      ['parameters.percentages[1]', 'increasing'],
    ]);
    expect(issuesOf('linear', { percentages: [0, 50, 100] })).toEqual([
      ['parameters.percentages[0]', 'range'],
    ]);
    expect(issuesOf('linear', { percentages: [5, 120] })).toEqual([
      ['parameters.percentages[1]', 'range'],
    ]);
    expect(issuesOf('linear', { percentages: [5, 50.123, 100] })).toEqual([
      ['parameters.percentages[1]', 'decimals'],
    ]);
    expect(issuesOf('linear', { percentages: [5, 50] })).toEqual([
      ['parameters.percentages[1]', 'endsAt100'],
    ]);
    expect(issuesOf('linear', { percentages: [] })).toEqual([['parameters.percentages', 'type']]);
    expect(issuesOf('linear', { percentages: [5, 'x', 100] })).toEqual([
      ['parameters.percentages[1]', 'type'],
    ]);
    expect(issuesOf('linear', { percentages: [50, 100], stepPercentage: 10 })).toEqual([
      ['parameters.percentages', 'exclusive'],
    ]);
  });

  it('refuses more than 100 steps', () => {
    expect(issuesOf('linear', { stepPercentage: 0.5 })).toEqual([
      ['parameters.stepPercentage', 'maxSteps'],
    ]);
    expect(stepsOf('linear', { stepPercentage: 1 })).toHaveLength(100);
    expect(issuesOf('exponential', { initialPercentage: 0.01, factor: 1.01 })).toEqual([
      ['parameters.factor', 'maxSteps'],
    ]);
    const list = Array.from({ length: 101 }, (_, i) => (i + 1) * 0.5);
    expect(issuesOf('linear', { percentages: list })).toEqual([
      ['parameters.percentages', 'maxSteps'],
    ]);
  });

  it('lists every problem at once', () => {
    expect(
      issuesOf('exponential', { initialPercentage: -1, factor: 0.5, intervalMinutes: 0, x: 1 }),
    ).toEqual([
      ['parameters.x', 'unknownParameter'],
      ['parameters.initialPercentage', 'range'],
      ['parameters.factor', 'range'],
      ['parameters.intervalMinutes', 'range'],
    ]);
  });
});

describe('deploymentTimeline', () => {
  it('puts each step at the sum of the holds before it', () => {
    expect(deploymentTimeline(stepsOf('canary'))).toEqual([
      { step: 0, percentage: 5, offsetSeconds: 0 },
      { step: 1, percentage: 100, offsetSeconds: 1800 },
    ]);
    const linear = deploymentTimeline(
      stepsOf('linear', { stepPercentage: 25, intervalSeconds: 7 }),
    );
    expect(linear.map((entry) => entry.offsetSeconds)).toEqual([0, 7, 14, 21]);
    expect(deploymentTimeline(stepsOf('exponential')).at(-1)).toEqual({
      step: 7,
      percentage: 100,
      offsetSeconds: 7 * 600,
    });
    expect(deploymentTimeline([])).toEqual([]);
  });
});
