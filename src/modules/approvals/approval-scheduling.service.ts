import { Injectable, Logger } from '@nestjs/common';
import { JobQueue } from '../../core/queue/job-queue';
import { ConfigApproval } from './config-approval.entity';
import { ApplyConfigChangeJob, applyJobId } from './jobs/apply-config-change.job';

/**
 * Schedules each approved request's apply at its applyAt as a delayed job. An enqueue that
 * fails (Redis down) is logged: the recurring sweeper (SweepConfigChangesJob) applies the
 * request once it is overdue.
 */
@Injectable()
export class ApprovalScheduling {
  private readonly logger = new Logger(ApprovalScheduling.name);

  constructor(private readonly queue: JobQueue) {}

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
