import { Injectable } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { EnvironmentsService } from '../environments/environments.service';
import { EvaluationSnapshots } from '../evaluation/evaluation-snapshots.service';
import { EventStream } from '../realtime/event-stream';
import { ExperimentUpdatedEvent } from './dto/experiment.inputs';
import { ExperimentStatus } from './experiment.entity';

/**
 * `experimentUpdated`: the experiment transitions among an environment's change events,
 * which reach every instance through the outbox relay (as the serving snapshot hears them).
 */
@Injectable()
export class ExperimentUpdates {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly snapshots: EvaluationSnapshots,
  ) {}

  async stream(
    actor: Actor,
    environmentKey: string,
    keys?: string[],
  ): Promise<EventStream<ExperimentUpdatedEvent>> {
    const { id } = await this.environments.resolveForActor(actor, environmentKey);
    await this.snapshots.get(id); // this instance now follows the environment's channel
    const wanted = keys && new Set(keys);
    const stream = new EventStream<ExperimentUpdatedEvent>();
    stream.stop = this.snapshots.watch(id, (update) => {
      const experiment = update.kind === 'change' ? update.change.experiment : undefined;
      if (update.kind !== 'change' || !experiment) return;
      if (wanted && !wanted.has(experiment.key)) return;
      stream.push({
        experimentKey: experiment.key,
        experimentId: experiment.id,
        status: experiment.status as ExperimentStatus,
        revision: update.change.revision,
      });
    });
    return stream;
  }
}
