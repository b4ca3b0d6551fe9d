import { Injectable } from '@nestjs/common';
import { Actor } from '../../../core/auth/actor';
import type {
  computeResults as ComputeResults,
  ExperimentResults,
  MetricInput,
  MetricResult,
  ResultsInput,
} from '../../../engine/stats/results';
import {
  DailyCounts,
  ExperimentAggregates,
  ExperimentCounts,
  VariantCounts,
} from '../events/experiment-counts';
import { Experiment } from '../experiment.entity';
import { ExperimentsService } from '../experiments.service';

/** One variant of one metric at the end of a day: the counts so far and their p-values. */
export interface VariantHistoryPoint {
  variantKey: string;
  exposures: number;
  converters: number | null;
  mean: number | null;
  /** Fixed-horizon p-value vs the control (null for the control, or when not computable). */
  pValue: number | null;
  /** Always-valid p-value vs the control: what a daily look in sequential mode reads. */
  sequentialPValue: number | null;
}

/** The results of one metric as they stood at the end of the UTC day starting `at`. */
export interface MetricHistoryPoint {
  at: Date;
  variants: VariantHistoryPoint[];
}

export type MetricResultOf = MetricResult & { history: MetricHistoryPoint[] };

export type ExperimentResultsOf = Omit<ExperimentResults, 'metrics'> & {
  experimentKey: string;
  metrics: MetricResultOf[];
};

/** Running sums of daily increments: per day, the counts up to its end. */
export function cumulativeCounts(daily: DailyCounts[]): { day: string; counts: VariantCounts[] }[] {
  const running = new Map<string, VariantCounts>();
  return daily.map(({ day, variants }) => {
    for (const increment of variants) {
      let sofar = running.get(increment.variantKey);
      if (!sofar) {
        sofar = { variantKey: increment.variantKey, exposures: 0, metrics: {} };
        running.set(increment.variantKey, sofar);
      }
      sofar.exposures += increment.exposures;
      for (const [event, m] of Object.entries(increment.metrics)) {
        const before = sofar.metrics[event] ?? { converters: 0, sum: 0, sumOfSquares: 0 };
        sofar.metrics[event] = {
          converters: before.converters + m.converters,
          sum: before.sum + m.sum,
          sumOfSquares: before.sumOfSquares + m.sumOfSquares,
        };
      }
    }
    // A copy per day: the running sums go on changing.
    const counts = [...running.values()].map((v) => ({ ...v, metrics: { ...v.metrics } }));
    return { day, counts };
  });
}

/**
 * Per metric (in the results' order), its results at the end of each day that added counts:
 * the statistics run on the cumulative daily aggregates, so the chart shows what a look at the
 * results that evening showed.
 */
export function resultsHistory(
  experiment: Experiment,
  daily: DailyCounts[],
  compute: typeof ComputeResults,
): MetricHistoryPoint[][] {
  const metrics = 1 + experiment.secondaryMetrics.length;
  const history: MetricHistoryPoint[][] = Array.from({ length: metrics }, () => []);
  for (const { day, counts } of cumulativeCounts(daily)) {
    const at = new Date(`${day}T00:00:00.000Z`);
    compute(resultsInput(experiment, counts)).metrics.forEach((metric, i) => {
      history[i].push({
        at,
        variants: metric.variants.map((v) => ({
          variantKey: v.variantKey,
          exposures: v.exposures,
          converters: v.converters,
          mean: v.mean,
          pValue: v.comparison?.pValue ?? null,
          sequentialPValue: v.comparison?.sequential.pValue ?? null,
        })),
      });
    });
  }
  return history;
}

/**
 * The statistics' input from an experiment and its per-variant aggregates: every variant of the
 * experiment (one without data has zeros), the primary metric then the secondary ones. A numeric
 * metric is averaged over every exposed subject (n = exposures): the aggregator keeps per-subject
 * totals, and a subject without an event adds 0 to the sum and the sum of squares.
 */
export function resultsInput(experiment: Experiment, counts: VariantCounts[]): ResultsInput {
  const byVariant = new Map(counts.map((c) => [c.variantKey, c]));
  const metric = (
    event: string,
    kind: MetricInput['kind'],
    role: MetricInput['role'],
  ): MetricInput => ({
    name: event,
    kind,
    role,
    variants: Object.fromEntries(
      experiment.variants.map((v) => {
        const found = byVariant.get(v.key);
        const m = found?.metrics[event];
        const exposures = found?.exposures ?? 0;
        return [
          v.key,
          kind === 'conversion'
            ? { converters: m?.converters ?? 0 }
            : { n: exposures, sum: m?.sum ?? 0, sumOfSquares: m?.sumOfSquares ?? 0 },
        ];
      }),
    ),
  });
  return {
    variants: experiment.variants.map((v) => ({
      key: v.key,
      weight: v.weight,
      control: v.control,
      exposures: byVariant.get(v.key)?.exposures ?? 0,
    })),
    metrics: [
      metric(experiment.primaryMetric.event, experiment.primaryMetric.kind, 'primary'),
      ...experiment.secondaryMetrics.map((m) => metric(m.event, m.kind, 'secondary')),
    ],
    options: { sequential: experiment.sequential, tuning: experiment.sequentialTuning },
  };
}

/** Experiments whose results a process keeps computed (the least recently computed go first). */
export const CACHED_RESULTS = 200;

/**
 * What of an experiment its results depend on (beside the aggregates): its key, the variants'
 * keys, weights and control, the metrics and the sequential settings.
 */
export function resultsDefinition(experiment: Experiment): string {
  return JSON.stringify([
    experiment.key,
    experiment.variants.map((v) => [v.key, v.weight, v.control]),
    experiment.primaryMetric,
    experiment.secondaryMetrics,
    experiment.sequential,
    experiment.sequentialTuning,
  ]);
}

/** An experiment's results from one snapshot of its aggregates: the totals' and every day's. */
export function experimentResults(
  experiment: Experiment,
  aggregates: Pick<ExperimentAggregates, 'totals' | 'daily'>,
  compute: typeof ComputeResults,
): ExperimentResultsOf {
  const results = compute(resultsInput(experiment, aggregates.totals));
  const history = resultsHistory(experiment, aggregates.daily, compute);
  return {
    experimentKey: experiment.key,
    ...results,
    metrics: results.metrics.map((metric, i) => ({ ...metric, history: history[i] })),
  };
}

interface CachedResults {
  version: string;
  definition: string;
  results: ExperimentResultsOf;
}

/**
 * `experimentResults`: an experiment's statistics, read from the aggregates (never raw events).
 * The statistics (31 runs for a month of history) cost more than the reads, so each process
 * keeps the last results of an experiment with the version of the aggregates they were
 * computed from (ExperimentCounts: exposures and folded events, which every write grows) and
 * its definition; a request reads the version (one small statement) and answers the kept
 * results while both are unchanged — the same results a computation afresh would give.
 */
@Injectable()
export class ExperimentResultsService {
  private readonly cache = new Map<string, CachedResults>();

  constructor(
    private readonly experiments: ExperimentsService,
    private readonly counts: ExperimentCounts,
  ) {}

  async results(actor: Actor, environment: string, key: string): Promise<ExperimentResultsOf> {
    const experiment = await this.experiments.get(actor, environment, key);
    const definition = resultsDefinition(experiment);
    const cached = this.cache.get(experiment.id);
    if (cached && cached.definition === definition) {
      if ((await this.counts.versionOf(experiment.id)) === cached.version) return cached.results;
    }
    const aggregates = await this.counts.aggregatesFor(experiment.id);
    // The statistics and @stdlib's distributions (~15 MB) load with the first results asked
    // for, not at start-up: most processes never serve one.
    const { computeResults } = await import('../../../engine/stats/results');
    const results = experimentResults(experiment, aggregates, computeResults);
    // Kept under the version of the aggregates they were computed from, newest last.
    this.cache.delete(experiment.id);
    this.cache.set(experiment.id, { version: aggregates.version, definition, results });
    if (this.cache.size > CACHED_RESULTS) {
      this.cache.delete(this.cache.keys().next().value!);
    }
    return results;
  }
}
