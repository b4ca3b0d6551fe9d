import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { PubSub } from '../../core/pubsub/pub-sub';
import {
  changesChannel,
  ConfigChangedEvent,
  ConfigChangeEvents,
} from '../configs/config-change-events';

const BATCH = 100;

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
  private relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, environment_id, revision, payload FROM outbox_event
         WHERE published_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      for (const row of rows) {
        const event: ConfigChangedEvent = {
          ...row.payload,
          environmentId: row.environment_id,
          revision: Number(row.revision),
        };
        await this.pubsub.publish(changesChannel(event.environmentId), event);
      }
      if (rows.length > 0) {
        await manager.query('UPDATE outbox_event SET published_at = now() WHERE id = ANY($1)', [
          rows.map((row) => row.id),
        ]);
      }
      return rows.length;
    });
  }
}
