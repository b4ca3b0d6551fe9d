import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/environments.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { FetchLogModule } from '../fetch-log/fetch-log.module';
import { HistoryModule } from '../history/history.module';
import { ExplainServedResolver } from './explain-served.resolver';
import { ExplainServedService } from './explain-served.service';

/**
 * `explainServed`: a module of its own, above the experiments (whose records it replays),
 * which themselves evaluate through EvaluationModule.
 */
@Module({
  imports: [EnvironmentsModule, HistoryModule, ExperimentsModule, FetchLogModule],
  providers: [ExplainServedService, ExplainServedResolver],
})
export class ExplainServedModule {}
