import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { PubSub } from '../../core/pubsub/pub-sub';
import { ENVIRONMENT_CHANGED_CHANNEL } from '../environments/environment-events';
import { EnvironmentsService } from '../environments/environments.service';
import { FetchLogRates } from './fetch-log-recorder';

/** The sample rate of an environment not loaded yet (the column's default). */
export const DEFAULT_SAMPLE_RATE = 0.01;

/**
 * Each environment's sample rate, held in memory so the hot path never waits on the
 * database. Reloaded when an environment changes (its id arrives on the environments
 * channel, from whichever instance changed it) and when the broker connection comes back;
 * like the API-key cache, it also reloads on a slow timer, for a message lost on the way.
 */
@Injectable()
export class FetchLogSettings implements FetchLogRates, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FetchLogSettings.name);
  private rates = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private loading?: Promise<void>;
  /** A reload asked for while one runs: it may have read the rows before the change. */
  private again?: Promise<void>;
  private readonly stops: (() => unknown)[] = [];
  private stopped = false;

  constructor(
    private readonly environments: EnvironmentsService,
    private readonly pubSub: PubSub,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Not awaited: with Redis down, SUBSCRIBE waits for it to return (the timer covers that).
    void this.pubSub
      .subscribe(ENVIRONMENT_CHANGED_CHANNEL, () => void this.refresh())
      .then(
        (unsubscribe) => (this.stopped ? void unsubscribe() : this.stops.push(unsubscribe)),
        (error: unknown) => {
          if (!this.stopped)
            this.logger.warn(`environment changes channel failed: ${String(error)}`);
        },
      );
    this.stops.push(this.pubSub.onReconnect(() => void this.refresh()));
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.FETCH_LOG_RATES_RELOAD_MS);
    this.timer.unref();
  }

  /** Before the Redis connections close (as the API-key authenticator does). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled(this.stops.map((stop) => stop()));
  }

  rateOf(environmentId: string): number {
    const rate = this.rates.get(environmentId);
    if (rate !== undefined) return rate;
    // An environment created since the last load: its rate arrives with the next one (or
    // with the one running, which its creation's message also asks for).
    if (!this.loading) void this.refresh();
    return DEFAULT_SAMPLE_RATE;
  }

  /**
   * Reloads every rate. Calls during a reload share one more reload after it, so a change
   * committed while a reload was reading is never missed, and a burst costs two queries.
   */
  refresh(): Promise<void> {
    if (this.loading) {
      this.again ??= this.loading.then(() => {
        this.again = undefined;
        return this.refresh();
      });
      return this.again;
    }
    this.loading = this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    try {
      const environments = await this.environments.all();
      this.rates = new Map(environments.map((e) => [e.id, e.fetchLogSampleRate]));
    } catch (error) {
      // Keep the rates we have: evaluation goes on while the database is away.
      this.logger.warn(`could not reload fetch-log sample rates: ${String(error)}`);
    }
  }
}
