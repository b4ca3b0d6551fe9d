import { Module } from '@nestjs/common';
import { ConfigsModule } from '../configs/configs.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { FetchLogModule } from '../fetch-log/fetch-log.module';
import { HistoryModule } from '../history/history.module';
import { UsageRecorderModule } from '../usage/usage-recorder.module';
import { EvaluationSnapshots } from './evaluation-snapshots.service';
import { EvaluationResolver } from './evaluation.resolver';
import { EvaluationService } from './evaluation.service';
import { ExplainServedResolver } from './explain-served.resolver';
import { ExplainServedService } from './explain-served.service';

@Module({
  imports: [ConfigsModule, EnvironmentsModule, HistoryModule, UsageRecorderModule, FetchLogModule],
  providers: [
    EvaluationSnapshots,
    EvaluationService,
    EvaluationResolver,
    ExplainServedService,
    ExplainServedResolver,
  ],
  exports: [EvaluationService, EvaluationSnapshots, UsageRecorderModule],
})
export class EvaluationModule {}
