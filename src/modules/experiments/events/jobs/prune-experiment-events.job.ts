import { Logger } from '@nestjs/common';
import { AppConfig } from '../../../../core/config/app-config';
import { HOURLY_MS, Job, JobContext, JobHandler } from '../../../../core/queue/job';
import { QueueName } from '../../../../core/queue/queue-name';
import { ExperimentEventPruner } from '../experiment-event-pruner';

export type PruneExperimentEventsJobData = {
  /** The time the run treats as now (ms since the epoch); tests set it. */
  now?: number;
  /** Rows per DELETE statement; EVENT_PRUNE_BATCH unless set. */
  batchSize?: number;
};

/**
 * Recurring (hourly): deletes raw experiment events already folded into the aggregates and
 * older than EXPERIMENT_EVENT_RETENTION_DAYS, in batches. Idempotent: the watermark and the
 * events' times decide what is due.
 */
@Job({
  queue: QueueName.Maintenance,
  recurring: { id: 'maintenance:prune-experiment-events', everyMs: HOURLY_MS },
})
export class PruneExperimentEventsJob implements JobHandler<PruneExperimentEventsJobData> {
  private readonly logger = new Logger(PruneExperimentEventsJob.name);

  constructor(
    private readonly pruner: ExperimentEventPruner,
    private readonly config: AppConfig,
  ) {}

  async handle(data: PruneExperimentEventsJobData, context: JobContext): Promise<void> {
    const { deleted, batches } = await this.pruner.prune(
      data.now ?? Date.now(),
      this.config.EXPERIMENT_EVENT_RETENTION_DAYS,
      data.batchSize,
    );
    if (deleted > 0) {
      this.logger.log(
        `job ${context.jobId}: ${deleted} experiment events pruned in ${batches} statements`,
      );
    }
  }
}
