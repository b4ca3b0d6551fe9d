import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DAY_MS, UsageGranularity, UsageMetric } from '../usage/usage-metric.util';
import { readSpanState } from '../usage/usage-span.builder';
import { DaySpan, spanCover } from '../usage/usage-span.util';

/** A counter summed over one point of a series (`point` indexes the periods). */
export interface PointCount {
  point: number;
  configKey: string | null;
  metric: string;
  dimension: string;
  count: number;
}

/** A config's evaluations and errors over a range. */
export interface KeyTotals {
  configKey: string;
  evaluations: number;
  errors: number;
}

/**
 * Reads of the usage tables for analytics. Every statement bounds environment_id, granularity
 * and period_start, so it reads only the range's rows by index (see docs/analytics.md,
 * "Performance").
 */
@Injectable()
export class AnalyticsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Counters summed per point (bounds[i] ≤ period_start < bounds[i + 1] is point i): per config
   * key when `keys` is given (those keys only), else for the whole environment, from its sums
   * kept by the rollup (environment_usage_metric: a few rows per period, whatever the number
   * of configs).
   */
  async pointCounts(
    environmentId: string,
    granularity: UsageGranularity,
    bounds: readonly Date[],
    keys: readonly string[] | null,
  ): Promise<PointCount[]> {
    const perKey = keys !== null;
    const rows: {
      point: number;
      config_key?: string;
      metric: string;
      dimension: string;
      count: string;
    }[] = await this.dataSource.query(
      `SELECT width_bucket(period_start, $3::timestamptz[]) - 1 AS point,
              ${perKey ? 'config_key,' : ''} metric, dimension, sum(count)::text AS count
       FROM ${perKey ? 'config_usage_metric' : 'environment_usage_metric'}
       WHERE environment_id = $1 AND granularity = $2
         AND period_start >= $4 AND period_start < $5
         ${perKey ? 'AND config_key = ANY($6::text[])' : ''}
       GROUP BY 1, ${perKey ? 'config_key,' : ''} metric, dimension`,
      [
        environmentId,
        granularity,
        bounds.map((b) => b.toISOString()),
        bounds[0],
        bounds[bounds.length - 1],
        ...(perKey ? [keys] : []),
      ],
    );
    return rows.map((r) => ({
      point: Number(r.point),
      configKey: r.config_key ?? null,
      metric: r.metric,
      dimension: r.dimension,
      count: Number(r.count),
    }));
  }

  /**
   * The configs with the most evaluations and with the most errors over [from, to) (whole
   * hours), `limit` of each with a non-zero count, largest first then by key, ranked in SQL:
   * from each config's totals (config_usage_total, one row per config and period) and day
   * spans (config_usage_span) for the whole UTC days inside the range, hour rows for the hours
   * at either end, so a range of n days reads O(log n) rows per config.
   */
  async topConfigs(
    environmentId: string,
    from: Date,
    to: Date,
    limit: number,
  ): Promise<{ byEvaluations: KeyTotals[]; byErrors: KeyTotals[] }> {
    const firstDay = Math.ceil(from.getTime() / DAY_MS) * DAY_MS;
    const lastDay = Math.floor(to.getTime() / DAY_MS) * DAY_MS;
    const params: unknown[] = [environmentId, limit];
    const ranges: string[] = [];
    const range = (granularity: 'hour' | 'day', a: number, b: number) => {
      if (a >= b) return;
      params.push(new Date(a), new Date(b));
      ranges.push(
        `(granularity = '${granularity}' AND period_start >= $${params.length - 1} AND period_start < $${params.length})`,
      );
    };
    let spans: DaySpan[] = [];
    // [from, to) splits into hours [from, firstDay), days [firstDay, lastDay) (spans and day
    // rows), hours [lastDay, to); a range within one UTC day is all hours.
    if (firstDay < lastDay) {
      const cover = spanCover(firstDay, lastDay, await readSpanState(this.dataSource));
      spans = cover.spans;
      range('hour', from.getTime(), firstDay);
      for (const days of cover.days) range('day', days.from, days.to);
      range('hour', lastDay, to.getTime());
    } else {
      range('hour', from.getTime(), to.getTime());
    }
    params.push(
      spans.map((span) => new Date(span.start).toISOString()),
      spans.map((span) => span.days),
    );
    const [starts, sizes] = [params.length - 1, params.length];
    const rows: {
      list: 'evaluations' | 'errors';
      config_key: string;
      evaluations: string;
      errors: string;
    }[] = await this.dataSource.query(
      `WITH totals AS (
           SELECT config_key, sum(evaluations) AS evaluations, sum(errors) AS errors
           FROM (
             SELECT config_key, evaluations, errors FROM config_usage_total
             WHERE environment_id = $1 AND (${ranges.length > 0 ? ranges.join(' OR ') : 'false'})
             UNION ALL
             SELECT s.config_key, s.evaluations, s.errors
             FROM unnest($${starts}::timestamptz[], $${sizes}::int[]) AS b(p, d)
             JOIN config_usage_span s
               ON s.period_start = b.p AND s.days = b.d AND s.environment_id = $1
           ) r
           GROUP BY config_key)
         (SELECT 'evaluations' AS list, config_key, evaluations, errors FROM totals
          WHERE evaluations > 0 ORDER BY evaluations DESC, config_key COLLATE "C" LIMIT $2)
         UNION ALL
         (SELECT 'errors' AS list, config_key, evaluations, errors FROM totals
          WHERE errors > 0 ORDER BY errors DESC, config_key COLLATE "C" LIMIT $2)`,
      params,
    );
    const of = (list: 'evaluations' | 'errors') =>
      rows
        .filter((r) => r.list === list)
        .map((r) => ({
          configKey: r.config_key,
          evaluations: Number(r.evaluations),
          errors: Number(r.errors),
        }));
    return { byEvaluations: of('evaluations'), byErrors: of('errors') };
  }

  /**
   * The start of the latest period with evaluations, per config key (of those given), with
   * its granularity: minute rows when there are, else hour rows, else day rows.
   */
  async lastEvaluated(
    environmentId: string,
    keys: readonly string[],
  ): Promise<Map<string, { at: Date; granularity: UsageGranularity }>> {
    const found = new Map<string, { at: Date; granularity: UsageGranularity }>();
    if (keys.length === 0) return found;
    // One short backward index scan (ix_config_usage_metric_key) per key and granularity.
    const rows: { config_key: string; granularity: UsageGranularity; at: Date }[] =
      await this.dataSource.query(
        `SELECT k.config_key, g.granularity, last.period_start AS at
         FROM unnest($2::text[]) AS k(config_key)
         CROSS JOIN unnest($3::text[]) AS g(granularity)
         CROSS JOIN LATERAL (
           SELECT period_start FROM config_usage_metric m
           WHERE m.environment_id = $1 AND m.config_key = k.config_key
             AND m.granularity = g.granularity AND m.metric = $4
           ORDER BY m.period_start DESC LIMIT 1
         ) last`,
        [environmentId, keys, Object.values(UsageGranularity), UsageMetric.Evaluations],
      );
    for (const row of rows) {
      const at = new Date(row.at);
      const seen = found.get(row.config_key);
      if (!seen || at.getTime() > seen.at.getTime())
        found.set(row.config_key, { at, granularity: row.granularity });
    }
    return found;
  }
}
