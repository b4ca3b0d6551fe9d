import { Injectable } from '@nestjs/common';
import { Actor } from '../../../core/auth/actor';
import type { ExperimentResults, MetricInput, ResultsInput } from '../../../engine/stats/results';
import { ExperimentCounts, VariantCounts } from '../events/experiment-counts';
import { Experiment } from '../experiment.entity';
import { ExperimentsService } from '../experiments.service';

export type ExperimentResultsOf = ExperimentResults & { experimentKey: string };

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

/** `experimentResults`: an experiment's statistics, read from the aggregates (never raw events). */
@Injectable()
export class ExperimentResultsService {
  constructor(
    private readonly experiments: ExperimentsService,
    private readonly counts: ExperimentCounts,
  ) {}

  async results(actor: Actor, environment: string, key: string): Promise<ExperimentResultsOf> {
    const experiment = await this.experiments.get(actor, environment, key);
    const counts = await this.counts.forExperiment(experiment.id);
    // The statistics and @stdlib's distributions (~15 MB) load with the first results asked
    // for, not at start-up: most processes never serve one.
    const { computeResults } = await import('../../../engine/stats/results');
    return { experimentKey: experiment.key, ...computeResults(resultsInput(experiment, counts)) };
  }
}
