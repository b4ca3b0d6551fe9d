import { compileConfig } from '../../engine/evaluation/compile-config';
import { stored } from '../../engine/evaluation/test-support';
import { countsOfResult, UsageChannel, UsageMetric } from '../usage/usage-metric.util';
import { toOfrep } from './ofrep.mapper';

describe('an experiment result served over OFREP and counted', () => {
  const config = compileConfig({
    ...stored(),
    experiment: {
      id: 'e1',
      key: 'exp-42',
      assignment: 'random',
      trafficPercentage: 100,
      variants: [
        { key: 'control', name: 'Control', value: 'old', weight: 50, control: true },
        { key: 'treatment', name: 'Treatment', value: 'new', weight: 50, control: false },
      ],
      assignments: new Map([['u1', 'treatment']]),
    },
  });

  it('answers SPLIT with the variant key, our reason in the metadata', () => {
    expect(toOfrep(config.evaluate({ user: { id: 'u1' } }), 'string')).toEqual({
      key: 'checkout.banner',
      value: 'new',
      reason: 'SPLIT',
      variant: 'treatment',
      metadata: { reason: 'EXPERIMENT', version: 3 },
    });
    expect(toOfrep(config.evaluate({ user: { id: 'u2' } }), 'string')).not.toHaveProperty(
      'variant',
    );
  });

  it('counts the evaluation under the experiment metric by variant', () => {
    const result = config.evaluate({ user: { id: 'u1' } });
    expect(countsOfResult(result, UsageChannel.Ofrep, 2)).toEqual([
      [UsageMetric.Evaluations, UsageChannel.Ofrep, 2],
      [UsageMetric.Experiment, 'treatment', 2],
    ]);
  });
});

describe('a deployment result served over OFREP', () => {
  it('names the deployment in the metadata when its candidate served, and not otherwise', () => {
    const candidate = { ...stored().state, value: 'candidate' };
    const at = (percentage: number) =>
      compileConfig({ ...stored(), deployment: { id: 'd1', percentage, candidate } });
    expect(toOfrep(at(100).evaluate({ user: { id: 'u1' } }), 'string')).toEqual({
      key: 'checkout.banner',
      value: 'candidate',
      reason: 'STATIC',
      metadata: { reason: 'FALLTHROUGH', version: 3, deploymentId: 'd1' },
    });
    expect(toOfrep(at(0).evaluate({ user: { id: 'u1' } }), 'string')).toEqual({
      key: 'checkout.banner',
      value: 'value',
      reason: 'STATIC',
      metadata: { reason: 'FALLTHROUGH', version: 3 },
    });
  });
});
