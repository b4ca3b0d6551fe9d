import { Injectable } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { EnvironmentsService } from '../environments/environments.service';
import { EvaluationSnapshots } from '../evaluation/evaluation-snapshots.service';
import { PubSub } from '../../core/pubsub/pub-sub';
import { EventStream } from '../realtime/event-stream';
import { ExperimentUpdatedEvent, ExperimentUpdateKind } from './dto/experiment.inputs';
import { EXPERIMENT_COUNTS_CHANNEL, ExperimentCountsMessage } from './experiment-counts-channel';
import { ExperimentStatus } from './experiment.entity';

/**
 * `experimentUpdated`: the experiment transitions among an environment's change events,
 * which reach every instance through the outbox relay (as the serving snapshot hears them),
 * and the running experiments' live counts the aggregation job publishes after each run.
 */
@Injectable()
export class ExperimentUpdates {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly snapshots: EvaluationSnapshots,
    private readonly pubsub: PubSub,
  ) {}

  async stream(
    actor: Actor,
    environmentKey: string,
    keys?: string[],
  ): Promise<EventStream<ExperimentUpdatedEvent>> {
    const { id } = await this.environments.resolveForActor(actor, environmentKey);
    // This instance now follows the environment's channel.
    let revision = (await this.snapshots.get(id)).revision;
    const wanted = keys && new Set(keys);
    const stream = new EventStream<ExperimentUpdatedEvent>();
    const stopWatching = this.snapshots.watch(id, (update) => {
      revision = Math.max(revision, update.snapshot.revision);
      const experiment = update.kind === 'change' ? update.change.experiment : undefined;
      if (update.kind !== 'change' || !experiment) return;
      if (wanted && !wanted.has(experiment.key)) return;
      stream.push({
        experimentKey: experiment.key,
        experimentId: experiment.id,
        kind: ExperimentUpdateKind.TRANSITION,
        status: experiment.status as ExperimentStatus,
        revision: update.change.revision,
      });
    });
    const unsubscribe = this.pubsub.subscribe(EXPERIMENT_COUNTS_CHANNEL, (raw) => {
      const message = raw as ExperimentCountsMessage;
      if (message.environmentId !== id) return;
      if (wanted && !wanted.has(message.experimentKey)) return;
      stream.push({
        experimentKey: message.experimentKey,
        experimentId: message.experimentId,
        kind: ExperimentUpdateKind.COUNTS,
        status: ExperimentStatus.RUNNING,
        revision,
        exposures: message.exposures,
      });
    });
    // Counts are best effort: a broker outage only delays them to a later run.
    unsubscribe.catch(() => undefined);
    stream.stop = () => {
      stopWatching();
      void unsubscribe.then((stop) => stop()).catch(() => undefined);
    };
    return stream;
  }
}
