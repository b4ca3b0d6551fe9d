import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigsModule } from '../configs/configs.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { ExperimentEventsModule } from './events/experiment-events.module';
import { ExperimentAssignment } from './experiment-assignment.entity';
import { ExperimentUpdates } from './experiment-updates.service';
import { Experiment } from './experiment.entity';
import { ExperimentsResolver, ExperimentUpdatesResolver } from './experiments.resolver';
import { ExperimentsService } from './experiments.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Experiment, ExperimentAssignment]),
    ConfigsModule,
    EnvironmentsModule,
    EvaluationModule,
    ExperimentEventsModule,
  ],
  providers: [
    ExperimentsService,
    ExperimentUpdates,
    ExperimentsResolver,
    ExperimentUpdatesResolver,
  ],
  exports: [ExperimentsService],
})
export class ExperimentsModule {}
