import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { OutboxEvent } from './outbox-event.entity';

export interface ChangeEvent {
  environmentId: string;
  revision: number;
  type: string;
  payload: Record<string, unknown>;
}

/** Writes change events inside the caller's transaction; the relay publishes them after commit. */
@Injectable()
export class OutboxService {
  async append(manager: EntityManager, event: ChangeEvent): Promise<void> {
    await manager.insert(OutboxEvent, event as QueryDeepPartialEntity<OutboxEvent>);
  }
}
