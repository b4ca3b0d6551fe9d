import { Logger } from '@nestjs/common';
import { HOURLY_MS, Job, JobContext, JobHandler } from '../../../core/queue/job';
import { QueueName } from '../../../core/queue/queue-name';
import { FetchLogService } from '../fetch-log.service';

export type PruneFetchLogJobData = {
  /** Rows per DELETE statement; PRUNE_BATCH unless set. */
  batchSize?: number;
};

/**
 * Recurring (hourly): deletes fetch-log records older than their environment's retention, in
 * batches. Idempotent: the records' times decide what is due.
 */
@Job({
  queue: QueueName.Maintenance,
  recurring: { id: 'maintenance:prune-fetch-log', everyMs: HOURLY_MS },
})
export class PruneFetchLogJob implements JobHandler<PruneFetchLogJobData> {
  private readonly logger = new Logger(PruneFetchLogJob.name);

  constructor(private readonly fetchLog: FetchLogService) {}

  async handle(data: PruneFetchLogJobData, context: JobContext): Promise<void> {
    const { deleted, batches, failed } = await this.fetchLog.prune(data.batchSize);
    this.logger.log(
      `job ${context.jobId}: deleted ${deleted} fetch-log records in ${batches} statements`,
    );
    // A retry reaches the environments that failed; the others have nothing left to do.
    if (failed > 0) throw new Error(`pruning failed for ${failed} environments`);
  }
}
