import { Module } from '@nestjs/common';
import { ExperimentEventsModule } from '../events/experiment-events.module';
import { ExperimentsModule } from '../experiments.module';
import { ExperimentResultsResolver } from './experiment-results.resolver';
import { ExperimentResultsService } from './experiment-results.service';

/** `experimentResults`: the statistics module fed with the experiment and its aggregates. */
@Module({
  imports: [ExperimentsModule, ExperimentEventsModule],
  providers: [ExperimentResultsService, ExperimentResultsResolver],
})
export class ExperimentResultsModule {}
