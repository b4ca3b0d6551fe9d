import { Logger } from '@nestjs/common';
import { AppConfig } from '../../../core/config/app-config';
import { DAILY_MS, Job, JobContext, JobHandler } from '../../../core/queue/job';
import { QueueName } from '../../../core/queue/queue-name';
import { ApiKeysService } from '../api-keys.service';

export type PruneRevokedApiKeysJobData = {
  /** Overrides REVOKED_KEY_RETENTION_DAYS for this run. */
  retentionDays?: number;
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** Recurring (daily): deletes API keys revoked longer ago than the retention period. Idempotent. */
@Job({
  queue: QueueName.Maintenance,
  recurring: { id: 'maintenance:prune-revoked-api-keys', everyMs: DAILY_MS },
})
export class PruneRevokedApiKeysJob implements JobHandler<PruneRevokedApiKeysJobData> {
  private readonly logger = new Logger(PruneRevokedApiKeysJob.name);

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly config: AppConfig,
  ) {}

  async handle(data: PruneRevokedApiKeysJobData, context: JobContext): Promise<void> {
    const days = data.retentionDays ?? this.config.REVOKED_KEY_RETENTION_DAYS;
    const deleted = await this.apiKeys.pruneRevoked(new Date(Date.now() - days * DAY_MS));
    this.logger.log(
      `job ${context.jobId}: deleted ${deleted} API keys revoked over ${days} days ago`,
    );
  }
}
