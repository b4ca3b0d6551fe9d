import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MINUTE_RETENTION_MS } from './jobs/rollup-usage.job';
import { HOUR_MS } from './usage-metric.util';

/** One period's totals: evaluations (every channel), errors and refused saves. */
export interface UsagePeriodTotals {
  /** The period's start, ms since the epoch. */
  start: number;
  evaluations: number;
  errors: number;
  refusedSaves: number;
}

export interface UsagePeriodsQuery {
  environmentId: string;
  /** One config's counters; null: every key of the environment. */
  configKey: string | null;
  /** [from, to) ranges, ms since the epoch; rows in any of them are read once. */
  ranges: { from: number; to: number }[];
  /** Error codes not counted as errors (reasons such as TARGETING_KEY_MISSING). */
  excludeErrorCodes: readonly string[];
}

/**
 * Reads the usage counters as totals per period, for alert rules: minute rows while they are
 * kept (MINUTE_RETENTION_MS), hour rows before that (a range reaching past the kept minutes
 * is read at the hour's resolution there).
 */
@Injectable()
export class UsagePeriods {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async totals(query: UsagePeriodsQuery, now = Date.now()): Promise<UsagePeriodTotals[]> {
    // Minute rows from the first whole hour still kept in full; hour rows before it.
    const minutesFrom = Math.ceil((now - MINUTE_RETENTION_MS) / HOUR_MS) * HOUR_MS;
    const params: unknown[] = [query.environmentId, [...query.excludeErrorCodes]];
    const keyed = query.configKey !== null;
    if (keyed) params.push(query.configKey);
    const ranges: string[] = [];
    const range = (granularity: 'minute' | 'hour', from: number, to: number) => {
      if (from >= to) return;
      params.push(new Date(from), new Date(to));
      const [a, b] = [params.length - 1, params.length];
      ranges.push(
        `(granularity = '${granularity}' AND period_start >= $${a} AND period_start < $${b})`,
      );
    };
    for (const { from, to } of query.ranges) {
      range('hour', from, Math.min(to, minutesFrom));
      range('minute', Math.max(from, minutesFrom), to);
    }
    if (ranges.length === 0) return [];
    const rows: { start: number; evaluations: number; errors: number; refused_saves: number }[] =
      await this.dataSource.query(
        `SELECT (extract(epoch FROM period_start) * 1000)::float8 AS start,
           coalesce(sum(count) FILTER (WHERE metric = 'evaluations'), 0)::float8 AS evaluations,
           coalesce(sum(count) FILTER (WHERE metric = 'error' AND dimension <> ALL($2::text[])), 0)::float8 AS errors,
           coalesce(sum(count) FILTER (WHERE metric = 'refused_save'), 0)::float8 AS refused_saves
         FROM config_usage_metric
         WHERE environment_id = $1 ${keyed ? 'AND config_key = $3' : ''}
           AND metric IN ('evaluations', 'error', 'refused_save')
           AND (${ranges.join(' OR ')})
         GROUP BY period_start ORDER BY period_start`,
        params,
      );
    return rows.map((row) => ({
      start: row.start,
      evaluations: row.evaluations,
      errors: row.errors,
      refusedSaves: row.refused_saves,
    }));
  }
}
