import { Module } from '@nestjs/common';
import { ConfigsModule } from '../configs/configs.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { FetchLogModule } from '../fetch-log/fetch-log.module';
import { UsageRecorderModule } from '../usage/usage-recorder.module';
import { EvaluationSnapshots } from './evaluation-snapshots.service';
import { EvaluationResolver } from './evaluation.resolver';
import { EvaluationService } from './evaluation.service';

@Module({
  imports: [ConfigsModule, EnvironmentsModule, UsageRecorderModule, FetchLogModule],
  providers: [EvaluationSnapshots, EvaluationService, EvaluationResolver],
  exports: [EvaluationService, EvaluationSnapshots, UsageRecorderModule],
})
export class EvaluationModule {}
