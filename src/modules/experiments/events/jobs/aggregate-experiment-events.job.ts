import { Logger } from '@nestjs/common';
import { AppConfig } from '../../../../core/config/app-config';
import { Job, JobContext, JobHandler } from '../../../../core/queue/job';
import { QueueName } from '../../../../core/queue/queue-name';
import { ExperimentAggregator } from '../experiment-aggregator';
import { ExperimentCountsFeed } from '../experiment-counts-feed';

export type AggregateExperimentEventsJobData = {
  /** The time the run treats as now (ms since the epoch); tests set it. */
  now?: number;
};

/**
 * Recurring (every EXPERIMENT_AGGREGATE_MS): folds experiment events received at least
 * EXPERIMENT_EVENTS_GRACE_MS ago into the aggregates, then shares the running experiments'
 * live counts (experimentUpdated).
 */
@Job({
  queue: QueueName.Maintenance,
  recurring: {
    id: 'maintenance:aggregate-experiment-events',
    everyMs: (config) => config.EXPERIMENT_AGGREGATE_MS,
  },
})
export class AggregateExperimentEventsJob implements JobHandler<AggregateExperimentEventsJobData> {
  private readonly logger = new Logger(AggregateExperimentEventsJob.name);

  constructor(
    private readonly aggregator: ExperimentAggregator,
    private readonly config: AppConfig,
    private readonly feed: ExperimentCountsFeed,
  ) {}

  async handle(data: AggregateExperimentEventsJobData, context: JobContext): Promise<void> {
    const read = await this.aggregator.fold(
      data.now ?? Date.now(),
      this.config.EXPERIMENT_EVENTS_GRACE_MS,
    );
    if (read > 0) this.logger.log(`job ${context.jobId}: ${read} experiment events aggregated`);
    await this.feed.announceRunning();
  }
}
