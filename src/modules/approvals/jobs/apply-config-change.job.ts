import { Job, JobHandler } from '../../../core/queue/job';
import { JobQueue } from '../../../core/queue/job-queue';
import { QueueName } from '../../../core/queue/queue-name';
import { ApprovalApplier } from '../approval-applier.service';

export type ApplyConfigChangeJobData = {
  approvalId: string;
};

/** The job id of a scheduled apply: one delayed job per request and time. */
export function applyJobId(approvalId: string, at: Date, suffix = ''): string {
  return `approval-${approvalId}-at-${at.getTime()}${suffix}`;
}

/**
 * Applies a scheduled change request at its applyAt. Duplicates, retries and the sweeper are
 * harmless: the request is applied once (ApprovalApplier). A job that ran early (an edit
 * moved the time, clocks disagree) waits again for the time the database holds.
 */
@Job({ queue: QueueName.Approvals })
export class ApplyConfigChangeJob implements JobHandler<ApplyConfigChangeJobData> {
  constructor(
    private readonly approvals: ApprovalApplier,
    private readonly queue: JobQueue,
  ) {}

  async handle(data: ApplyConfigChangeJobData): Promise<void> {
    const waiting = await this.approvals.applyDue(data.approvalId);
    if (!waiting) return;
    await this.queue.add(ApplyConfigChangeJob, data, {
      jobId: applyJobId(data.approvalId, waiting, '-again'),
      delayMs: Math.max(0, waiting.getTime() - Date.now()),
    });
  }
}
