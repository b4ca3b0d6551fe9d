import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { JobQueue } from '../../core/queue/job-queue';
import { ConfigChangedEvent, ConfigChangeEvents } from '../configs/config-change-events';
import { AdvanceDeploymentJob, advanceJobId } from './jobs/advance-deployment.job';

/**
 * Schedules each deployment step as a delayed job when the change before it commits in this
 * process (a start, a step, a resume). An enqueue that fails (Redis down) is logged: the
 * recurring sweeper (SweepDeploymentsJob) takes that step once it is overdue.
 */
@Injectable()
export class DeploymentProgression implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DeploymentProgression.name);
  private unsubscribe?: () => unknown;

  constructor(
    private readonly events: ConfigChangeEvents,
    private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((change) => void this.schedule(change));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private async schedule(change: ConfigChangedEvent): Promise<void> {
    const deployment = change.deployment;
    if (deployment?.status !== 'in_progress' || !deployment.nextStepAt) return;
    const data = { deploymentId: deployment.id, expectedStep: deployment.currentStep + 1 };
    const due = Date.parse(deployment.nextStepAt);
    try {
      await this.queue.add(AdvanceDeploymentJob, data, {
        jobId: advanceJobId(data, `-at-${due}`),
        delayMs: Math.max(0, due - Date.now()),
      });
    } catch (error) {
      this.logger.warn(
        { err: error },
        `Deployment ${deployment.id}: step ${data.expectedStep} not scheduled; the sweeper will take it`,
      );
    }
  }
}
