import { describe, expect, it } from 'vitest';
import {
  initialPlanDraft,
  parsePercentages,
  previewSchedule,
  shapeParameters,
  splitStartErrors,
  takesList,
  toParameters,
  waitBase,
  type PlanDraft,
} from './plan-draft';

const none = { deploymentStrategy: 'IMMEDIATE' as const, deploymentConfig: {} };

describe('plan draft', () => {
  it("knows each strategy's fields from the engine's parameter lists", () => {
    expect(shapeParameters('IMMEDIATE')).toEqual([]);
    expect(shapeParameters('CANARY')).toEqual(['canaryPercentage']);
    expect(shapeParameters('EXPONENTIAL')).toEqual(['initialPercentage', 'factor']);
    expect([waitBase('IMMEDIATE'), waitBase('CANARY'), waitBase('LINEAR')]).toEqual([
      null,
      'hold',
      'interval',
    ]);
    expect(takesList('IMMEDIATE')).toBe(false);
    expect(takesList('LINEAR')).toBe(true);
  });

  it("starts from the strategy's documented defaults when the config has another strategy", () => {
    expect(initialPlanDraft('LINEAR', none)).toEqual({
      strategy: 'LINEAR',
      shape: { stepPercentage: 10 },
      percentages: '',
      wait: 15,
      waitUnit: 'minutes',
    });
    expect(initialPlanDraft('EXPONENTIAL', none).shape).toEqual({
      initialPercentage: 1,
      factor: 2,
    });
  });

  it("starts from the config's deploymentConfig for the config's own strategy", () => {
    const config = {
      deploymentStrategy: 'CANARY' as const,
      deploymentConfig: { canaryPercentage: 2.5, holdSeconds: 90 },
    };
    expect(initialPlanDraft('CANARY', config)).toEqual({
      strategy: 'CANARY',
      shape: { canaryPercentage: 2.5 },
      percentages: '',
      wait: 90,
      waitUnit: 'seconds',
    });
    // Another strategy does not take the config's parameters (as the server defaults them).
    expect(initialPlanDraft('LINEAR', config).wait).toBe(15);
  });

  it("shows a config's explicit list as text and leaves the shape it replaces empty", () => {
    const config = {
      deploymentStrategy: 'LINEAR' as const,
      deploymentConfig: { percentages: [1, 5, 25, 100], intervalMinutes: 60 },
    };
    const plan = initialPlanDraft('LINEAR', config);
    expect(plan).toMatchObject({ shape: { stepPercentage: '' }, percentages: '1, 5, 25, 100' });
    expect(toParameters(plan)).toEqual({ percentages: [1, 5, 25, 100], intervalMinutes: 60 });
  });

  it('reads a typed list, keeping an item that is not a number for the server to name', () => {
    expect(parsePercentages(' 1, 5%, 25 ,, 100 ')).toEqual([1, 5, 25, 100]);
    expect(parsePercentages('1, five, 100')).toEqual([1, 'five', 100]);
    expect(parsePercentages('')).toEqual([]);
  });

  it('sends the fields filled in, the wait in its unit, and leaves empty ones to the defaults', () => {
    const plan: PlanDraft = {
      strategy: 'EXPONENTIAL',
      shape: { initialPercentage: 5, factor: '' },
      percentages: '',
      wait: 30,
      waitUnit: 'seconds',
    };
    expect(toParameters(plan)).toEqual({ initialPercentage: 5, intervalSeconds: 30 });
    expect(toParameters({ ...plan, wait: '' })).toEqual({ initialPercentage: 5 });
    expect(toParameters({ ...plan, strategy: 'IMMEDIATE', shape: {} })).toEqual({});
  });

  it("previews the server's schedule: the percentages and when each step is due", () => {
    const plan: PlanDraft = {
      strategy: 'LINEAR',
      shape: { stepPercentage: 30 },
      percentages: '',
      wait: 2,
      waitUnit: 'minutes',
    };
    expect(previewSchedule(plan)).toEqual({
      timeline: [
        { step: 0, percentage: 30, offsetSeconds: 0 },
        { step: 1, percentage: 60, offsetSeconds: 120 },
        { step: 2, percentage: 90, offsetSeconds: 240 },
        { step: 3, percentage: 100, offsetSeconds: 360 },
      ],
    });
  });

  it('gives the problems of a plan that cannot be scheduled, with their paths', () => {
    const plan: PlanDraft = {
      strategy: 'LINEAR',
      shape: { stepPercentage: 0.5 },
      percentages: '',
      wait: 0.5,
      waitUnit: 'seconds',
    };
    const preview = previewSchedule(plan);
    expect(preview.timeline).toBeUndefined();
    expect(preview.issues?.map((i) => [i.path, i.rule])).toEqual([
      ['parameters.stepPercentage', 'maxSteps'],
      ['parameters.intervalSeconds', 'wholeSeconds'],
    ]);
  });

  it("puts a start's problems at the plan's fields and the candidate's at the editor's", () => {
    const split = splitStartErrors([
      { path: 'candidate.value', rule: 'maxValue', message: 'must be at most 10' },
      {
        path: 'candidate.targetingRules[0].value',
        rule: 'type',
        message: 'must be an integer',
      },
      { path: 'parameters.intervalSeconds', rule: 'wholeSeconds', message: 'whole seconds' },
      { path: 'parameters.percentages[2]', rule: 'increasing', message: 'must be greater' },
      { path: 'parameters.factor', rule: 'range', message: 'must be greater than 1' },
      { path: 'strategy', rule: 'type', message: 'must be one of …' },
      { path: 'parameters', rule: 'type', message: 'must be an object' },
    ]);
    expect(split.candidate).toEqual([
      { path: 'value', rule: 'maxValue', message: 'must be at most 10' },
      { path: 'targetingRules[0].value', rule: 'type', message: 'must be an integer' },
    ]);
    expect(split.plan).toEqual({
      wait: ['whole seconds'],
      percentages: ['step 3: must be greater'],
      factor: ['must be greater than 1'],
      strategy: ['must be one of …'],
      '': ['parameters: must be an object'],
    });
  });
});
