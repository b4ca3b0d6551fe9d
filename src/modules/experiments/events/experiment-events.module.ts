import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Experiment } from '../experiment.entity';
import { EvaluationModule } from '../../evaluation/evaluation.module';
import { UsageRecorderModule } from '../../usage/usage-recorder.module';
import { ExperimentAggregator } from './experiment-aggregator';
import { ExperimentCounts } from './experiment-counts';
import { ExperimentCountsFeed } from './experiment-counts-feed';
import { ExperimentDirectory, StoredExperiments } from './experiment-directory';
import { ExperimentEventsResolver } from './experiment-events.resolver';
import { ExperimentEventsService } from './experiment-events.service';
import { ExperimentEventPruner } from './experiment-event-pruner';
import { AggregateExperimentEventsJob } from './jobs/aggregate-experiment-events.job';
import { PruneExperimentEventsJob } from './jobs/prune-experiment-events.job';

/**
 * Experiment exposures (recorded by ExposureRecorder, in UsageRecorderModule, with the usage
 * flush), events (`trackEvents`, `POST /v1/events`), their aggregation and pruning jobs and the per-variant
 * counts results read. See docs/experiments.md, "Exposures and events".
 */
@Module({
  imports: [TypeOrmModule.forFeature([Experiment]), UsageRecorderModule, EvaluationModule],
  providers: [
    ExperimentEventsService,
    ExperimentEventsResolver,
    ExperimentAggregator,
    ExperimentCounts,
    ExperimentCountsFeed,
    AggregateExperimentEventsJob,
    ExperimentEventPruner,
    PruneExperimentEventsJob,
    { provide: ExperimentDirectory, useClass: StoredExperiments },
  ],
  exports: [
    ExperimentEventsService,
    ExperimentCounts,
    AggregateExperimentEventsJob,
    PruneExperimentEventsJob,
  ],
})
export class ExperimentEventsModule {}
