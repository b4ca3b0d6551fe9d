import { Logger } from '@nestjs/common';
import { Job, JobHandler } from '../../../core/queue/job';
import { QueueName } from '../../../core/queue/queue-name';
import { ApprovalApplier } from '../approval-applier.service';

export type SweepConfigChangesJobData = Record<string, never>;

/** A request is the sweeper's once this late: its own job (or its review) had time to apply it. */
export const SWEEP_GRACE_MS = 5000;
/** Requests applied per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 100;

/**
 * Recurring (every APPROVAL_SWEEP_MS): applies change requests that are due without anyone
 * applying them (Redis lost a scheduled request's job, a process died between the last
 * approval and the write). Each request on its own: one failure stops no other.
 */
@Job({
  queue: QueueName.Approvals,
  concurrency: 1,
  recurring: { id: 'approvals:sweep', everyMs: (config) => config.APPROVAL_SWEEP_MS },
})
export class SweepConfigChangesJob implements JobHandler<SweepConfigChangesJobData> {
  private readonly logger = new Logger(SweepConfigChangesJob.name);

  constructor(private readonly approvals: ApprovalApplier) {}

  async handle(): Promise<void> {
    const overdue = await this.approvals.overdue(SWEEP_GRACE_MS, SWEEP_BATCH);
    let failed = 0;
    for (const id of overdue) {
      try {
        await this.approvals.applyDue(id);
        this.logger.warn(`Change request ${id}: overdue, applied by the sweeper`);
      } catch (error) {
        failed += 1;
        this.logger.error({ err: error }, `Change request ${id}: the overdue apply failed`);
      }
    }
    if (failed > 0) throw new Error(`${failed} overdue change requests failed`);
  }
}
