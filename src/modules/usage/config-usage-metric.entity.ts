import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../../core/database/transformers';
import { UsageGranularity, UsageMetric } from './usage-metric.util';

/**
 * One counter of one config in one period: a narrow row per (environment, granularity,
 * period, config key, metric, dimension), so a flush is one multi-row upsert that adds to
 * what is there. Minute rows come from the api processes' flushes and SDK reports; hour and
 * day rows are summed from them by the rollup job (see docs/usage-metrics.md).
 */
@Entity('config_usage_metric')
@Index('ix_config_usage_metric_period', ['granularity', 'periodStart'])
/** One config's rows over a range (configAnalytics with keys, staleConfigs). */
@Index('ix_config_usage_metric_key', ['environmentId', 'configKey', 'granularity', 'periodStart'])
export class ConfigUsageMetric {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_config_usage_metric' })
  environmentId!: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_config_usage_metric' })
  granularity!: UsageGranularity;

  @PrimaryColumn('timestamptz', { primaryKeyConstraintName: 'pk_config_usage_metric' })
  periodStart!: Date;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_config_usage_metric' })
  configKey!: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_config_usage_metric' })
  metric!: UsageMetric;

  /** The channel, rule id, variant or error code; empty when the metric has none. */
  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_config_usage_metric' })
  dimension!: string;

  @Column('bigint', { transformer: bigintToNumber })
  count!: number;
}
