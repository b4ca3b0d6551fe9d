import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EnvironmentsService } from '../environments/environments.service';
import { FetchLogRates } from './fetch-log-recorder';

/** The sample rate of an environment not loaded yet (the column's default). */
export const DEFAULT_SAMPLE_RATE = 0.01;
/** How often every environment's rate is reloaded: a change applies within this. */
export const SETTINGS_REFRESH_MS = 10_000;

/**
 * Each environment's sample rate, held in memory so the hot path never waits on the
 * database; reloaded in the background.
 */
@Injectable()
export class FetchLogSettings
  implements FetchLogRates, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(FetchLogSettings.name);
  private rates = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private loading?: Promise<void>;

  constructor(private readonly environments: EnvironmentsService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), SETTINGS_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  rateOf(environmentId: string): number {
    const rate = this.rates.get(environmentId);
    if (rate !== undefined) return rate;
    // An environment created since the last load: its rate arrives with the next one.
    void this.refresh();
    return DEFAULT_SAMPLE_RATE;
  }

  /** Reloads every rate; concurrent calls share one query. */
  refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
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
