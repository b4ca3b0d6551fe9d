import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigsModule } from '../configs/configs.module';
import { OutboxEvent } from './outbox-event.entity';
import { OutboxRelay } from './outbox-relay.service';

/** Change events: the outbox relay now; subscriptions next. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEvent]), ConfigsModule],
  providers: [OutboxRelay],
  exports: [OutboxRelay],
})
export class RealtimeModule {}
