import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../../core/database/transformers';
import { UsageGranularity, UsageMetric } from './usage-metric.util';

/**
 * The hour and day rows of config_usage_metric summed over the environment's config keys, kept
 * by the rollup job (and by late writes), so analytics of a whole environment read a few rows
 * per period instead of one per config (see docs/analytics.md).
 */
@Entity('environment_usage_metric')
export class EnvironmentUsageMetric {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_environment_usage_metric' })
  environmentId!: string;

  /** `hour` or `day`. */
  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_environment_usage_metric' })
  granularity!: UsageGranularity;

  @PrimaryColumn('timestamptz', { primaryKeyConstraintName: 'pk_environment_usage_metric' })
  periodStart!: Date;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_environment_usage_metric' })
  metric!: UsageMetric;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_environment_usage_metric' })
  dimension!: string;

  @Column('bigint', { transformer: bigintToNumber })
  count!: number;
}
