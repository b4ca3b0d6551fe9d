import { DataSource } from 'typeorm';
import { UsageRecorder } from '../../src/modules/usage/usage-recorder';
import { TestApp } from './test-app';

/** A config's counters as `metric/dimension → count`. */
export type UsageCounts = Record<string, number>;

/** A config's counters of one granularity (minute rows unless told), as the database has them. */
export async function countsOf(
  db: DataSource,
  key: string,
  granularity = 'minute',
): Promise<UsageCounts> {
  const rows: { metric: string; dimension: string; n: number }[] = await db.query(
    `SELECT metric, dimension, sum(count)::int AS n FROM config_usage_metric
     WHERE config_key = $1 AND granularity = $2 GROUP BY metric, dimension`,
    [key, granularity],
  );
  return Object.fromEntries(rows.map((r) => [`${r.metric}/${r.dimension}`, r.n]));
}

/** Writes what the app counted so far (as its timer would), then reads a config's counters. */
export async function flushedCountsOf(
  app: TestApp,
  key: string,
  granularity = 'minute',
): Promise<UsageCounts> {
  await app.running.app.get(UsageRecorder).flush();
  return countsOf(app.running.app.get(DataSource), key, granularity);
}
