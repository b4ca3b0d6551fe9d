import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PubSub } from '../../../core/pubsub/pub-sub';
import { EXPERIMENT_COUNTS_CHANNEL, ExperimentCountsMessage } from '../experiment-counts-channel';
import { ExperimentCounts } from './experiment-counts';

/**
 * Shares each running experiment's exposures per variant with every instance (for
 * `experimentUpdated` subscribers), after each aggregation run: counts read once per run, not
 * per subscriber. A lost message is replaced by the next run's.
 */
@Injectable()
export class ExperimentCountsFeed {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counts: ExperimentCounts,
    private readonly pubsub: PubSub,
  ) {}

  async announceRunning(): Promise<number> {
    const running: { id: string; key: string; environment_id: string }[] =
      await this.dataSource.query(
        `SELECT id, key, environment_id FROM experiment WHERE status = 'running' ORDER BY id`,
      );
    for (const experiment of running) {
      const counts = await this.counts.forExperiment(experiment.id);
      const message: ExperimentCountsMessage = {
        environmentId: experiment.environment_id,
        experimentId: experiment.id,
        experimentKey: experiment.key,
        exposures: counts.map((c) => ({ variantKey: c.variantKey, exposures: c.exposures })),
      };
      await this.pubsub.tryPublish(EXPERIMENT_COUNTS_CHANNEL, message);
    }
    return running.length;
  }
}
