import { Actor } from '../../../core/auth/actor';
import { computeResults } from '../../../engine/stats/results';
import { DailyCounts, ExperimentAggregates, ExperimentCounts } from '../events/experiment-counts';
import { Experiment, MetricKind } from '../experiment.entity';
import { ExperimentsService } from '../experiments.service';
import {
  CACHED_RESULTS,
  cumulativeCounts,
  experimentResults,
  ExperimentResultsService,
  resultsHistory,
  resultsInput,
} from './experiment-results.service';

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

describe('ExperimentResultsService', () => {
  const actor = {} as Actor;
  const purchase = (converters: number) => ({ converters, sum: 0, sumOfSquares: 0 });
  /** Aggregates of `exposures` per variant and `converters` in the treatment, on one day. */
  const aggregates = (exposures: number, converters: number): ExperimentAggregates => {
    const variants = [
      { variantKey: 'control', exposures, metrics: { purchase: purchase(exposures / 10) } },
      { variantKey: 'treatment', exposures, metrics: { purchase: purchase(converters) } },
    ];
    return {
      version: `${2 * exposures}:${exposures / 10 + converters}`,
      totals: variants,
      daily: [{ day: '2026-12-01', variants }],
    };
  };

  /** The service over stored experiments (by key) and their aggregates (by id). */
  function service(stored: Map<string, Experiment>, state: Map<string, ExperimentAggregates>) {
    const experiments = {
      get: (_actor: Actor, _environment: string, key: string) => Promise.resolve(stored.get(key)!),
    } as unknown as ExperimentsService;
    const reads = { aggregates: 0, versions: 0 };
    const counts = {
      aggregatesFor: (id: string) => {
        reads.aggregates += 1;
        return Promise.resolve(state.get(id)!);
      },
      versionOf: (id: string) => {
        reads.versions += 1;
        return Promise.resolve(state.get(id)!.version);
      },
    } as unknown as ExperimentCounts;
    return { results: new ExperimentResultsService(experiments, counts), reads };
  }

  const stored = (id: string, overrides: Partial<Experiment> = {}) =>
    ({ ...experiment, id, key: id, ...overrides }) as Experiment;

  it('computes once per version of the aggregates, and answers what a computation afresh gives', async () => {
    const state = new Map([['e1', aggregates(1000, 150)]]);
    const { results, reads } = service(new Map([['e1', stored('e1')]]), state);
    const first = await results.results(actor, 'production', 'e1');
    expect(first).toEqual(experimentResults(stored('e1'), state.get('e1')!, computeResults));
    expect(await results.results(actor, 'production', 'e1')).toBe(first);
    expect(reads).toEqual({ aggregates: 1, versions: 1 });

    // Events folded (or exposures flushed) since: a new version, new results.
    state.set('e1', aggregates(1000, 180));
    const second = await results.results(actor, 'production', 'e1');
    expect(second).toEqual(experimentResults(stored('e1'), state.get('e1')!, computeResults));
    expect(second.metrics[0].variants[1].converters).toBe(180);
    expect(reads).toEqual({ aggregates: 2, versions: 2 });
  });

  it('computes afresh when the definition changes (weights, metrics, sequential settings)', async () => {
    const state = new Map([['e1', aggregates(1000, 150)]]);
    const experiments = new Map([['e1', stored('e1')]]);
    const { results, reads } = service(experiments, state);
    const first = await results.results(actor, 'production', 'e1');
    experiments.set('e1', stored('e1', { sequential: false }));
    const second = await results.results(actor, 'production', 'e1');
    expect(second.sequential).toBe(false);
    expect(second).not.toEqual(first);
    experiments.set(
      'e1',
      stored('e1', {
        sequential: false,
        variants: experiment.variants.map((v) => ({ ...v, weight: 10 })),
      }),
    );
    await results.results(actor, 'production', 'e1');
    expect(reads.aggregates).toBe(3);
  });

  it(`keeps the results of the ${CACHED_RESULTS} experiments computed last`, async () => {
    const ids = Array.from({ length: CACHED_RESULTS + 1 }, (_, i) => `e${i}`);
    const state = new Map(ids.map((id) => [id, aggregates(100, 10)]));
    const { results, reads } = service(new Map(ids.map((id) => [id, stored(id)])), state);
    for (const id of ids) await results.results(actor, 'production', id);
    expect(reads.aggregates).toBe(ids.length);
    // The last one is kept; the first one is not any more.
    await results.results(actor, 'production', ids[ids.length - 1]);
    expect(reads.aggregates).toBe(ids.length);
    await results.results(actor, 'production', ids[0]);
    expect(reads.aggregates).toBe(ids.length + 1);
  });
});
