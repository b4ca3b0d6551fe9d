import { Job, JobHandler } from '../../../core/queue/job';
import { JobQueue } from '../../../core/queue/job-queue';
import { QueueName } from '../../../core/queue/queue-name';
import { DeploymentsService, PROGRESSION_AUTHOR } from '../deployments.service';

export type AdvanceDeploymentJobData = {
  deploymentId: string;
  /** The step this job enters; nothing happens unless the database says it is due. */
  expectedStep: number;
};

/** The job id of a step: one delayed job per step while it waits. */
export function advanceJobId(data: AdvanceDeploymentJobData, suffix = ''): string {
  return `deployment-${data.deploymentId}-step-${data.expectedStep}${suffix}`;
}

/**
 * Takes a deployment's step when it is due. Duplicates, retries and a second worker are
 * harmless: `advanceIfDue` takes the step once. A job that ran early (a resume moved the
 * time, clocks disagree) waits again for the time the database holds.
 */
@Job({ queue: QueueName.Deployments })
export class AdvanceDeploymentJob implements JobHandler<AdvanceDeploymentJobData> {
  constructor(
    private readonly deployments: DeploymentsService,
    private readonly queue: JobQueue,
  ) {}

  async handle(data: AdvanceDeploymentJobData): Promise<void> {
    const outcome = await this.deployments.advanceIfDue(
      data.deploymentId,
      data.expectedStep,
      PROGRESSION_AUTHOR,
    );
    if (outcome.advanced || !outcome.nextStepAt) return;
    await this.queue.add(AdvanceDeploymentJob, data, {
      jobId: advanceJobId(data, `-again-at-${outcome.nextStepAt.getTime()}`),
      delayMs: Math.max(0, outcome.nextStepAt.getTime() - Date.now()),
    });
  }
}
