import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxEvent } from './outbox-event.entity';

/** The outbox: rows are written by the change path's own statement; the relay comes here. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEvent])],
})
export class RealtimeModule {}
