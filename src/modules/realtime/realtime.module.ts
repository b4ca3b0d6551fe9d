import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigsModule } from '../configs/configs.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { HistoryModule } from '../history/history.module';
import { OutboxEvent } from './outbox-event.entity';
import { PruneOutboxJob } from './jobs/prune-outbox.job';
import { OutboxRelay } from './outbox-relay.service';
import { SubscriptionsResolver } from './subscriptions.resolver';
import { SubscriptionsService } from './subscriptions.service';

/** Change events out of the outbox, and the subscriptions that deliver them. */
@Module({
  imports: [
    TypeOrmModule.forFeature([OutboxEvent]),
    ConfigsModule,
    EnvironmentsModule,
    EvaluationModule,
    HistoryModule,
  ],
  providers: [OutboxRelay, SubscriptionsService, SubscriptionsResolver, PruneOutboxJob],
  exports: [PruneOutboxJob, OutboxRelay],
})
export class RealtimeModule {}
