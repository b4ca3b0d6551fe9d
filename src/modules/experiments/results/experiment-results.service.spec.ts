import { computeResults } from '../../../engine/stats/results';
import { DailyCounts } from '../events/experiment-counts';
import { Experiment, MetricKind } from '../experiment.entity';
import { cumulativeCounts, resultsHistory, resultsInput } from './experiment-results.service';

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

describe('resultsHistory', () => {
  const purchase = (converters: number) => ({ converters, sum: 0, sumOfSquares: 0 });
  const daily: DailyCounts[] = [
    {
      day: '2026-11-30',
      variants: [
        { variantKey: 'control', exposures: 400, metrics: { purchase: purchase(40) } },
        { variantKey: 'treatment', exposures: 300, metrics: {} },
      ],
    },
    {
      day: '2026-12-01',
      variants: [
        { variantKey: 'control', exposures: 100, metrics: { purchase: purchase(10) } },
        { variantKey: 'treatment', exposures: 200, metrics: { purchase: purchase(90) } },
        { variantKey: 'unseen', exposures: 0, metrics: {} },
      ],
    },
  ];

  it('sums the daily increments day by day, each day a copy of the running sums', () => {
    const cumulative = cumulativeCounts(daily);
    expect(cumulative.map((d) => d.day)).toEqual(['2026-11-30', '2026-12-01']);
    expect(cumulative[0].counts.map((v) => [v.variantKey, v.exposures, v.metrics])).toEqual([
      ['control', 400, { purchase: purchase(40) }],
      ['treatment', 300, {}],
    ]);
    expect(cumulative[1].counts.map((v) => [v.variantKey, v.exposures, v.metrics])).toEqual([
      ['control', 500, { purchase: purchase(50) }],
      ['treatment', 500, { purchase: purchase(90) }],
      ['unseen', 0, {}],
    ]);
  });

  it("gives each day's results on the counts up to its end, the last day's being today's", () => {
    const history = resultsHistory(experiment, daily, computeResults);
    expect(history).toHaveLength(2); // the primary and the secondary metric
    const [points] = history;
    expect(points.map((p) => p.at.toISOString())).toEqual([
      '2026-11-30T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ]);
    const now = computeResults(resultsInput(experiment, cumulativeCounts(daily)[1].counts));
    const treatment = now.metrics[0].variants[1];
    expect(points[1].variants[1]).toEqual({
      variantKey: 'treatment',
      exposures: 500,
      converters: 90,
      mean: null,
      pValue: treatment.comparison!.pValue,
      sequentialPValue: treatment.comparison!.sequential.pValue,
    });
    expect(points[1].variants[1].sequentialPValue).toBeLessThan(0.05);
    // Day one: the treatment had no converters yet, and the control carries no comparison.
    expect(points[0].variants[1]).toMatchObject({ exposures: 300, converters: 0 });
    expect(points[0].variants[0]).toMatchObject({ pValue: null, sequentialPValue: null });
  });
});
