import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { JobQueue } from '../../core/queue/job-queue';
import { ConfigApproval } from './config-approval.entity';
import { ApplyConfigChangeJob, applyJobId } from './jobs/apply-config-change.job';
import { SweepConfigChangesJob } from './jobs/sweep-config-changes.job';

/**
 * Schedules each approved request's apply at its applyAt as a delayed job, and the recurring
 * sweeper on workers. An enqueue that fails (Redis down) is logged: the sweeper applies the
 * request once it is overdue.
 */
@Injectable()
export class ApprovalScheduling implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApprovalScheduling.name);

  constructor(
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runsWorker) return;
    await this.queue.upsertRecurring(
      SweepConfigChangesJob,
      'approvals:sweep',
      this.config.APPROVAL_SWEEP_MS,
      {},
    );
  }

  async schedule(approval: ConfigApproval): Promise<void> {
    if (!approval.applyAt) return;
    try {
      await this.queue.add(
        ApplyConfigChangeJob,
        { approvalId: approval.id },
        {
          jobId: applyJobId(approval.id, approval.applyAt),
          delayMs: Math.max(0, approval.applyAt.getTime() - Date.now()),
        },
      );
    } catch (error) {
      this.logger.warn(
        { err: error },
        `Change request ${approval.id}: its apply was not scheduled; the sweeper will apply it`,
      );
    }
  }
}
