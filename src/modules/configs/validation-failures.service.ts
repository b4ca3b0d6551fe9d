import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { MetricsService } from '../../core/metrics/metrics.service';
import { UsageMetric } from '../usage/usage-metric.util';
import { UsageRecorder } from '../usage/usage-recorder';

/** Counts refused saves, outside the refused transaction (which rolls back). */
@Injectable()
export class ValidationFailuresService {
  private readonly logger = new Logger(ValidationFailuresService.name);
  private readonly counter: Counter<'environment_id'>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    metrics: MetricsService,
    private readonly usage: UsageRecorder,
  ) {
    this.counter = new Counter({
      name: 'config_validation_failures_total',
      help: 'Config saves refused by validation',
      labelNames: ['environment_id'],
      registers: [metrics.registry],
    });
  }

  async record(environmentId: string, configKey: string): Promise<void> {
    this.counter.inc({ environment_id: environmentId });
    this.usage.add(environmentId, configKey, UsageMetric.RefusedSave);
    try {
      await this.dataSource.query(
        `INSERT INTO config_validation_failure (environment_id, config_key, hour, failures)
         VALUES ($1, $2, date_trunc('hour', now()), 1)
         ON CONFLICT (environment_id, config_key, hour) DO UPDATE SET failures = config_validation_failure.failures + 1`,
        [environmentId, configKey.slice(0, 200)],
      );
    } catch (error) {
      // The refusal itself must reach the client even if counting fails.
      this.logger.warn(`Could not count a validation failure: ${String(error)}`);
    }
  }

  /** Refused saves of a config since `since`. */
  async count(environmentId: string, configKey: string, since: Date): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT coalesce(sum(failures), 0)::int AS n FROM config_validation_failure
       WHERE environment_id = $1 AND config_key = $2 AND hour >= date_trunc('hour', $3::timestamptz)`,
      [environmentId, configKey, since],
    );
    return row.n;
  }
}
