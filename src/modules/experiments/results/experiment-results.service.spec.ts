import { Experiment, MetricKind } from '../experiment.entity';
import { resultsInput } from './experiment-results.service';

const experiment = {
  variants: [
    { key: 'control', name: 'Control', value: 'a', weight: 50, control: true },
    { key: 'treatment', name: 'Treatment', value: 'b', weight: 30, control: false },
    { key: 'unseen', name: 'Unseen', value: 'c', weight: 20, control: false },
  ],
  primaryMetric: { event: 'purchase', kind: MetricKind.CONVERSION },
  secondaryMetrics: [{ event: 'revenue', kind: MetricKind.NUMERIC }],
  sequential: true,
  sequentialTuning: 2000,
} as unknown as Experiment;

describe('resultsInput', () => {
  it("joins the counts with every variant and metric; numeric n is the variant's exposures", () => {
    const input = resultsInput(experiment, [
      {
        variantKey: 'control',
        exposures: 100,
        metrics: {
          purchase: { converters: 10, sum: 0, sumOfSquares: 0 },
          revenue: { converters: 5, sum: 50, sumOfSquares: 900 },
        },
      },
      { variantKey: 'treatment', exposures: 80, metrics: {} },
      // A variant no longer in the experiment is ignored.
      { variantKey: 'gone', exposures: 3, metrics: {} },
    ]);
    expect(input.variants).toEqual([
      { key: 'control', weight: 50, control: true, exposures: 100 },
      { key: 'treatment', weight: 30, control: false, exposures: 80 },
      { key: 'unseen', weight: 20, control: false, exposures: 0 },
    ]);
    expect(input.metrics).toEqual([
      {
        name: 'purchase',
        kind: 'conversion',
        role: 'primary',
        variants: {
          control: { converters: 10 },
          treatment: { converters: 0 },
          unseen: { converters: 0 },
        },
      },
      {
        name: 'revenue',
        kind: 'numeric',
        role: 'secondary',
        variants: {
          control: { n: 100, sum: 50, sumOfSquares: 900 },
          treatment: { n: 80, sum: 0, sumOfSquares: 0 },
          unseen: { n: 0, sum: 0, sumOfSquares: 0 },
        },
      },
    ]);
    expect(input.options).toEqual({ sequential: true, tuning: 2000 });
  });
});
