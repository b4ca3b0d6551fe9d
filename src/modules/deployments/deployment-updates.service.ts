import { Injectable } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { EnvironmentsService } from '../environments/environments.service';
import { EvaluationSnapshots } from '../evaluation/evaluation-snapshots.service';
import { ChangeAction } from '../history/config-change-log.entity';
import { EventStream } from '../realtime/event-stream';
import { ConfigDeploymentStatus } from './config-deployment.entity';
import { DeploymentUpdatedEvent } from './dto/deployment.inputs';

/**
 * `deploymentUpdated`: the deployment transitions among an environment's change events, which
 * reach every instance through the outbox relay (as the serving snapshot hears them), so a
 * subscriber hears a step when the snapshot it is served from has taken it.
 */
@Injectable()
export class DeploymentUpdates {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly snapshots: EvaluationSnapshots,
  ) {}

  async stream(
    actor: Actor,
    environmentKey: string,
    keys?: string[],
  ): Promise<EventStream<DeploymentUpdatedEvent>> {
    const { id } = await this.environments.resolveForActor(actor, environmentKey);
    // This instance now follows the environment's channel.
    await this.snapshots.get(id);
    const wanted = keys && new Set(keys);
    const stream = new EventStream<DeploymentUpdatedEvent>();
    stream.stop = this.snapshots.watch(id, (update) => {
      const deployment = update.kind === 'change' ? update.change.deployment : undefined;
      if (update.kind !== 'change' || !deployment) return;
      if (wanted && !wanted.has(update.change.key)) return;
      stream.push({
        deploymentId: deployment.id,
        configKey: update.change.key,
        action: update.change.action as ChangeAction,
        status: deployment.status as ConfigDeploymentStatus,
        currentStep: deployment.currentStep,
        percentage: deployment.percentage,
        nextStepAt: deployment.nextStepAt === null ? null : new Date(deployment.nextStepAt),
        revision: update.change.revision,
      });
    });
    return stream;
  }
}
