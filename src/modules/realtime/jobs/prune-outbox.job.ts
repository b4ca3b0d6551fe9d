import { Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../core/config/app-config';
import { HOURLY_MS, Job, JobContext, JobHandler } from '../../../core/queue/job';
import { QueueName } from '../../../core/queue/queue-name';

export type PruneOutboxJobData = {
  /** Overrides OUTBOX_RETENTION_HOURS for this run. */
  retentionHours?: number;
};

const HOUR_MS = 60 * 60 * 1000;

/**
 * Recurring (hourly): deletes outbox rows published longer ago than the retention period (the
 * change log keeps the history; unpublished rows are never touched). Idempotent.
 */
@Job({
  queue: QueueName.Maintenance,
  recurring: { id: 'maintenance:prune-outbox', everyMs: HOURLY_MS },
})
export class PruneOutboxJob implements JobHandler<PruneOutboxJobData> {
  private readonly logger = new Logger(PruneOutboxJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async handle(data: PruneOutboxJobData, context: JobContext): Promise<void> {
    const hours = data.retentionHours ?? this.config.OUTBOX_RETENTION_HOURS;
    const [, deleted] = await this.dataSource.query(
      'DELETE FROM outbox_event WHERE published_at < $1',
      [new Date(Date.now() - hours * HOUR_MS)],
    );
    this.logger.log(
      `job ${context.jobId}: deleted ${deleted} outbox events published over ${hours} hours ago`,
    );
  }
}
