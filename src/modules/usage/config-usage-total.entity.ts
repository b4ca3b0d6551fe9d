import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../../core/database/transformers';
import { UsageGranularity } from './usage-metric.util';

/**
 * Each config's evaluations and errors per hour and day: its hour and day rows of
 * config_usage_metric summed over channels and error codes, one row per config and period,
 * kept by the rollup job (and by late writes) like environment_usage_metric. The top lists of
 * configAnalytics rank every config of an environment from them (see docs/analytics.md).
 */
@Entity('config_usage_total')
export class ConfigUsageTotal {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_config_usage_total' })
  environmentId!: string;

  /** `hour` or `day`. */
  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_config_usage_total' })
  granularity!: UsageGranularity;

  @PrimaryColumn('timestamptz', { primaryKeyConstraintName: 'pk_config_usage_total' })
  periodStart!: Date;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_config_usage_total' })
  configKey!: string;

  @Column('bigint', { transformer: bigintToNumber })
  evaluations!: number;

  @Column('bigint', { transformer: bigintToNumber })
  errors!: number;
}
