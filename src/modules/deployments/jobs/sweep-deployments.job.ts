import { Logger } from '@nestjs/common';
import { Job, JobHandler } from '../../../core/queue/job';
import { QueueName } from '../../../core/queue/queue-name';
import { DeploymentsService, PROGRESSION_AUTHOR } from '../deployments.service';

export type SweepDeploymentsJobData = Record<string, never>;

/** A step is the sweeper's once it is this late: its own job had time to run. */
export const SWEEP_GRACE_MS = 5000;
/** Deployments advanced per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 100;

/**
 * Recurring (every DEPLOYMENT_SWEEP_MS): advances deployments whose next step is overdue
 * without a job (Redis lost its jobs, a worker died mid-step). Each deployment on its own:
 * one failure stops no other.
 */
@Job({
  queue: QueueName.Deployments,
  concurrency: 1,
  recurring: { id: 'deployments:sweep', everyMs: (config) => config.DEPLOYMENT_SWEEP_MS },
})
export class SweepDeploymentsJob implements JobHandler<SweepDeploymentsJobData> {
  private readonly logger = new Logger(SweepDeploymentsJob.name);

  constructor(private readonly deployments: DeploymentsService) {}

  async handle(): Promise<void> {
    const overdue = await this.deployments.overdue(SWEEP_GRACE_MS, SWEEP_BATCH);
    let failed = 0;
    for (const { id, currentStep } of overdue) {
      try {
        const outcome = await this.deployments.advanceIfDue(
          id,
          currentStep + 1,
          PROGRESSION_AUTHOR,
        );
        if (outcome.advanced)
          this.logger.warn(
            `Deployment ${id}: overdue step ${currentStep + 1} taken by the sweeper`,
          );
      } catch (error) {
        failed += 1;
        this.logger.error({ err: error }, `Deployment ${id}: the overdue step failed`);
      }
    }
    if (failed > 0) throw new Error(`${failed} overdue deployment steps failed`);
  }
}
