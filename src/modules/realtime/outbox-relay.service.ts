import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { PubSub } from '../../core/pubsub/pub-sub';
import {
  changesChannel,
  ConfigChangedEvent,
  ConfigChangeEvents,
} from '../configs/config-change-events';

const BATCH = 100;

/**
 * Work that must happen once per relayed change (notifications): it runs in the transaction
 * that marks the batch relayed, in a savepoint of its own, so a consumer's failure is logged
 * and never holds up the relay. It returns what to do once that transaction has committed.
 */
export interface OutboxConsumer {
  consume(changes: ConfigChangedEvent[], manager: EntityManager): Promise<() => Promise<void>>;
}

interface OutboxRow {
  id: string;
  environment_id: string;
  revision: string;
  payload: Omit<ConfigChangedEvent, 'environmentId' | 'revision'>;
}

/**
 * Publishes outbox rows after their change commits: woken by this instance's commits, with
 * a periodic sweep (and one at start-up) for rows nobody woke it for, such as those of an
 * instance that died between commit and publish. Rows are claimed with FOR UPDATE SKIP
 * LOCKED, so instances relaying at once never publish a row twice; a row is marked published
 * in the transaction that claimed it, after its publish succeeded. Delivery is at least once
 * (a crash after publish and before the mark republishes); readers drop revisions they saw.
 */
@Injectable()
export class OutboxRelay
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(OutboxRelay.name);
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private failing = false;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private readonly consumers: OutboxConsumer[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pubsub: PubSub,
    private readonly events: ConfigChangeEvents,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.stopped = !this.config.OUTBOX_RELAY;
    this.unsubscribe = this.events.subscribe(() => this.wake());
  }

  onApplicationBootstrap(): void {
    if (this.stopped) return;
    void this.wake();
    this.timer = setInterval(() => void this.wake(), this.config.OUTBOX_SWEEP_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running;
  }

  addConsumer(consumer: OutboxConsumer): void {
    this.consumers.push(consumer);
  }

  /** Relays what is pending now; a wake while relaying runs one more pass after it. */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.relayPending().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.wake();
      }
    });
    return this.running;
  }

  private async relayPending(): Promise<void> {
    try {
      while (!this.stopped && (await this.relayBatch()) === BATCH);
      if (this.failing) this.logger.log('Relaying outbox events again');
      this.failing = false;
    } catch (error) {
      // The rows stay unpublished; the next wake or sweep tries again. A publish fails fast
      // while Redis is down, so an outage would otherwise log a line every sweep.
      if (!this.failing) this.logger.error({ err: error }, 'Relaying outbox events failed');
      this.failing = true;
    }
  }

  /** Claims, publishes and marks one batch in one transaction; returns how many. */
  private async relayBatch(): Promise<number> {
    const { count, afterCommit } = await this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, environment_id, revision, payload FROM outbox_event
         WHERE published_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      const events = rows.map((row): ConfigChangedEvent => ({
        ...row.payload,
        environmentId: row.environment_id,
        revision: Number(row.revision),
      }));
      for (const event of events) {
        await this.pubsub.publish(changesChannel(event.environmentId), event);
      }
      const after: Array<() => Promise<void>> = [];
      if (rows.length > 0) {
        for (const consumer of this.consumers)
          after.push(await this.consume(consumer, events, manager));
        await manager.query('UPDATE outbox_event SET published_at = now() WHERE id = ANY($1)', [
          rows.map((row) => row.id),
        ]);
      }
      return { count: rows.length, afterCommit: after };
    });
    for (const run of afterCommit) {
      await run().catch((error: unknown) =>
        this.logger.error({ err: error }, 'An outbox consumer failed after commit'),
      );
    }
    return count;
  }

  private async consume(
    consumer: OutboxConsumer,
    events: ConfigChangedEvent[],
    manager: EntityManager,
  ): Promise<() => Promise<void>> {
    try {
      return await manager.transaction((savepoint) => consumer.consume(events, savepoint));
    } catch (error) {
      this.logger.error(
        { err: error },
        'An outbox consumer failed; its work for this batch is lost',
      );
      return async () => undefined;
    }
  }
}
