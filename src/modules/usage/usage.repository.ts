import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UsageGranularity, UsageRow } from './usage-metric.util';
import { buildUsageSpans, invalidateSpansFrom, pruneSpans, Queryable } from './usage-span.builder';

/** What the rollup job re-sums and prunes, each run. */
export interface RollupWindow {
  /** Hour rows from this time on are re-summed from minute rows. */
  hoursSince: Date;
  /** Day rows from this time on are re-summed from hour rows. */
  daysSince: Date;
  /** Rows of each granularity older than this are deleted. */
  pruneBefore: Record<UsageGranularity, Date>;
  /** Usage report batch ids older than this are forgotten. */
  batchesBefore: Date;
  /** Day spans are built up to the UTC midnight at or before this (usage-span.util.ts). */
  spansSettledBefore: Date;
}

/**
 * Rows deleted by a rollup, per table and granularity (sketches of every granularity), and
 * the day spans built (`spans`).
 */
export type PruneCounts = Record<UsageGranularity | 'batches' | 'sketches' | 'spans', number>;

/** The usage tables' statements. */
@Injectable()
export class UsageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Adds counts to their rows in one statement, whatever their number: the rows travel as
   * seven arrays. Rows must be distinct (see UsageRows). They are written in one order (the
   * rollup's: hours before days, then by environment, period, key, metric, dimension), so
   * writers of the same rows wait for each other instead of deadlocking.
   */
  async add(unordered: readonly UsageRow[]): Promise<void> {
    if (unordered.length === 0) return;
    const rows = [...unordered].sort(compareRows);
    const columns = [
      rows.map((r) => r.environmentId),
      rows.map((r) => r.granularity),
      rows.map((r) => r.periodStart.toISOString()),
      rows.map((r) => r.configKey),
      rows.map((r) => r.metric),
      rows.map((r) => r.dimension),
      rows.map((r) => String(r.count)),
    ];
    let firstDay: Date | undefined;
    for (const row of rows) {
      if (row.granularity === UsageGranularity.Day && !(firstDay && firstDay <= row.periodStart))
        firstDay = row.periodStart;
    }
    if (!firstDay) return this.write(this.dataSource, rows, columns);
    // Late rows change day rows, maybe of days that day spans cover: in one transaction that
    // sends those spans back to be rebuilt (usage-span.builder.ts).
    await this.dataSource.transaction(async (manager) => {
      await this.write(manager, rows, columns);
      await invalidateSpansFrom(manager, firstDay!);
    });
  }

  /** The rows' statements (see add). */
  private async write(
    db: Queryable,
    rows: readonly UsageRow[],
    columns: string[][],
  ): Promise<void> {
    await db.query(
      `INSERT INTO config_usage_metric AS m
         (environment_id, granularity, period_start, config_key, metric, dimension, count)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::bigint[])
       ON CONFLICT ON CONSTRAINT pk_config_usage_metric DO UPDATE SET count = m.count + EXCLUDED.count`,
      columns,
    );
    // Late rows (written with their hours and days at once) go to the environment sums too:
    // the rollup re-sums only recent periods.
    if (rows.some((r) => r.granularity !== UsageGranularity.Minute)) {
      await db.query(
        `INSERT INTO environment_usage_metric AS m
           (environment_id, granularity, period_start, metric, dimension, count)
         SELECT environment_id, granularity, period_start, metric, dimension, sum(count)
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::bigint[])
           AS r(environment_id, granularity, period_start, config_key, metric, dimension, count)
         WHERE granularity <> 'minute'
         GROUP BY environment_id, granularity, period_start, metric, dimension
         ORDER BY granularity DESC, environment_id, period_start, metric COLLATE "C", dimension COLLATE "C"
         ON CONFLICT ON CONSTRAINT pk_environment_usage_metric DO UPDATE SET count = m.count + EXCLUDED.count`,
        columns,
      );
      await db.query(
        `INSERT INTO config_usage_total AS t
           (environment_id, granularity, period_start, config_key, evaluations, errors)
         SELECT environment_id, granularity, period_start, config_key, ${TOTALS}
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::bigint[])
           AS r(environment_id, granularity, period_start, config_key, metric, dimension, count)
         WHERE granularity <> 'minute' AND ${TOTALS_METRICS}
         GROUP BY environment_id, granularity, period_start, config_key
         ORDER BY granularity DESC, environment_id, period_start, config_key COLLATE "C"
         ON CONFLICT ON CONSTRAINT pk_config_usage_total DO UPDATE
           SET evaluations = t.evaluations + EXCLUDED.evaluations, errors = t.errors + EXCLUDED.errors`,
        columns,
      );
    }
  }

  /**
   * Re-sums hour rows from minute rows and day rows from hour rows over the window (setting,
   * not adding, so a run repeated or overlapping another changes nothing), then prunes.
   */
  async rollup(window: RollupWindow): Promise<PruneCounts> {
    return this.dataSource.transaction(async (manager) => {
      await resum(manager, UsageGranularity.Minute, UsageGranularity.Hour, window.hoursSince);
      await resum(manager, UsageGranularity.Hour, UsageGranularity.Day, window.daysSince);
      await resumSums(manager, UsageGranularity.Hour, window.hoursSince);
      await resumSums(manager, UsageGranularity.Day, window.daysSince);
      const pruned = { batches: 0, sketches: 0, spans: 0 } as PruneCounts;
      for (const granularity of Object.values(UsageGranularity)) {
        const [, deleted] = await manager.query(
          'DELETE FROM config_usage_metric WHERE granularity = $1 AND period_start < $2',
          [granularity, window.pruneBefore[granularity]],
        );
        pruned[granularity] = deleted;
        for (const sums of ['environment_usage_metric', 'config_usage_total']) {
          await manager.query(`DELETE FROM ${sums} WHERE granularity = $1 AND period_start < $2`, [
            granularity,
            window.pruneBefore[granularity],
          ]);
        }
        // Sketches (hour and day) share the counters' retention.
        const [, sketches] = await manager.query(
          'DELETE FROM config_usage_sketch WHERE granularity = $1 AND period_start < $2',
          [granularity, window.pruneBefore[granularity]],
        );
        pruned.sketches += sketches;
      }
      const [, batches] = await manager.query(
        'DELETE FROM usage_report_batch WHERE received_at < $1',
        [window.batchesBefore],
      );
      pruned.batches = batches;
      // The span state row is locked last (writers of late rows lock it after their rows):
      // the re-summed days' spans are rebuilt, the pruned days' dropped.
      await invalidateSpansFrom(manager, window.daysSince);
      await pruneSpans(manager, window.pruneBefore[UsageGranularity.Day]);
      pruned.spans = await buildUsageSpans(manager, window.spansSettledBefore.getTime());
      return pruned;
    });
  }
}

/** A config's evaluations and errors summed from its usage rows (config_usage_total). */
const TOTALS = `coalesce(sum(count) FILTER (WHERE metric = 'evaluations'), 0),
  coalesce(sum(count) FILTER (WHERE metric = 'error'), 0)`;
const TOTALS_METRICS = `metric IN ('evaluations', 'error')`;

const GRANULARITY_ORDER = [UsageGranularity.Minute, UsageGranularity.Hour, UsageGranularity.Day];

function compareRows(a: UsageRow, b: UsageRow): number {
  return (
    GRANULARITY_ORDER.indexOf(a.granularity) - GRANULARITY_ORDER.indexOf(b.granularity) ||
    compare(a.environmentId, b.environmentId) ||
    a.periodStart.getTime() - b.periodStart.getTime() ||
    compare(a.configKey, b.configKey) ||
    compare(a.metric, b.metric) ||
    compare(a.dimension, b.dimension)
  );
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function resum(
  manager: EntityManager,
  from: UsageGranularity,
  to: UsageGranularity,
  since: Date,
): Promise<unknown> {
  return manager.query(
    `INSERT INTO config_usage_metric AS m
       (environment_id, granularity, period_start, config_key, metric, dimension, count)
     SELECT environment_id, $2, date_trunc($3, period_start, 'UTC'), config_key, metric, dimension, sum(count)
     FROM config_usage_metric
     WHERE granularity = $1 AND period_start >= date_trunc($3, $4::timestamptz, 'UTC')
     GROUP BY environment_id, date_trunc($3, period_start, 'UTC'), config_key, metric, dimension
     ORDER BY environment_id, 3, config_key COLLATE "C", metric COLLATE "C", dimension COLLATE "C"
     ON CONFLICT ON CONSTRAINT pk_config_usage_metric DO UPDATE SET count = EXCLUDED.count`,
    [from, to, to, since],
  );
}

/**
 * Sets the sums kept from the config rows (already re-summed by then) of the `granularity`
 * rows from the period `since` falls in on: the environment's (environment_usage_metric) and
 * each config's evaluations and errors (config_usage_total).
 */
async function resumSums(
  manager: EntityManager,
  granularity: UsageGranularity,
  since: Date,
): Promise<void> {
  const recent = `granularity = $1 AND period_start >= date_trunc($2, $3::timestamptz, 'UTC')`;
  const parameters = [granularity, granularity, since];
  await manager.query(
    `INSERT INTO environment_usage_metric AS m
       (environment_id, granularity, period_start, metric, dimension, count)
     SELECT environment_id, granularity, period_start, metric, dimension, sum(count)
     FROM config_usage_metric
     WHERE ${recent}
     GROUP BY environment_id, granularity, period_start, metric, dimension
     ORDER BY environment_id, period_start, metric COLLATE "C", dimension COLLATE "C"
     ON CONFLICT ON CONSTRAINT pk_environment_usage_metric DO UPDATE SET count = EXCLUDED.count`,
    parameters,
  );
  await manager.query(
    `INSERT INTO config_usage_total AS t
       (environment_id, granularity, period_start, config_key, evaluations, errors)
     SELECT environment_id, granularity, period_start, config_key, ${TOTALS}
     FROM config_usage_metric
     WHERE ${recent} AND ${TOTALS_METRICS}
     GROUP BY environment_id, granularity, period_start, config_key
     ORDER BY environment_id, period_start, config_key COLLATE "C"
     ON CONFLICT ON CONSTRAINT pk_config_usage_total DO UPDATE
       SET evaluations = EXCLUDED.evaluations, errors = EXCLUDED.errors`,
    parameters,
  );
}
