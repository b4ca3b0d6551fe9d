import { Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../core/config/app-config';
import { DAILY_MS, Job, JobContext, JobHandler } from '../../../core/queue/job';
import { QueueName } from '../../../core/queue/queue-name';

export type PruneNotificationDeliveriesJobData = Record<string, never>;

/**
 * Recurring (daily): deletes finished deliveries older than NOTIFICATION_RETENTION_DAYS;
 * pending ones stay.
 */
@Job({
  queue: QueueName.Maintenance,
  recurring: { id: 'maintenance:prune-notification-deliveries', everyMs: DAILY_MS },
})
export class PruneNotificationDeliveriesJob implements JobHandler<PruneNotificationDeliveriesJobData> {
  private readonly logger = new Logger(PruneNotificationDeliveriesJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async handle(_data: PruneNotificationDeliveriesJobData, context: JobContext): Promise<void> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM notification_delivery
       WHERE status <> 'pending' AND created_at < now() - make_interval(days => $1)`,
      [this.config.NOTIFICATION_RETENTION_DAYS],
    );
    if (deleted > 0) this.logger.log(`job ${context.jobId}: ${deleted} deliveries pruned`);
  }
}
