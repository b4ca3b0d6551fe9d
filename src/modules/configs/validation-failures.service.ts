import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../core/metrics/metrics.service';
import { UsageMetric } from '../usage/usage-metric.util';
import { UsageRecorder } from '../usage/usage-recorder';

/**
 * Counts refused saves, outside the refused transaction (which rolls back): in memory, as the
 * usage counter `refused_save` (written with the other usage counts at the next flush, read
 * like them from `config_usage_metric`), and in a Prometheus counter.
 */
@Injectable()
export class ValidationFailuresService {
  private readonly counter: Counter<'environment_id'>;

  constructor(
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

  record(environmentId: string, configKey: string): void {
    this.counter.inc({ environment_id: environmentId });
    this.usage.add(environmentId, configKey, UsageMetric.RefusedSave);
  }
}
