import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** One metric (event name) of one variant, as the statistics take it. */
export interface MetricCounts {
  /** Exposed subjects with at least one counted event. */
  converters: number;
  /** Sum of the subjects' totals (an event without a value adds 0). */
  sum: number;
  /** Sum of the squares of the subjects' totals; subjects with no event add 0. */
  sumOfSquares: number;
}

export interface VariantCounts {
  variantKey: string;
  exposures: number;
  /** By event name. */
  metrics: Record<string, MetricCounts>;
}

/** One day's increments (UTC day `YYYY-MM-DD`): what that day's exposures and events added. */
export interface DailyCounts {
  day: string;
  variants: VariantCounts[];
}

interface ExposureRow {
  variant_key: string;
  exposures: string;
  day?: string | null;
}

interface TotalRow {
  variant_key: string;
  event_name: string;
  converters: string;
  events: string;
  sum: number;
  sum_of_squares: number;
  day?: string | null;
}

/** Per variant, the exposures and metrics of the rows, sorted by variant key. */
function variantCounts(exposures: ExposureRow[], totals: TotalRow[]): VariantCounts[] {
  const variants = new Map<string, VariantCounts>();
  const variant = (key: string) => {
    let found = variants.get(key);
    if (!found) variants.set(key, (found = { variantKey: key, exposures: 0, metrics: {} }));
    return found;
  };
  for (const row of exposures) variant(row.variant_key).exposures = Number(row.exposures);
  for (const row of totals) {
    variant(row.variant_key).metrics[row.event_name] = {
      converters: Number(row.converters),
      sum: Number(row.sum),
      sumOfSquares: Number(row.sum_of_squares),
    };
  }
  return [...variants.values()].sort((a, b) => a.variantKey.localeCompare(b.variantKey));
}

/** Rows grouped by their `day`, in day order. */
function byDay<T extends { day?: string | null }>(rows: T[]): Map<string, T[]> {
  const days = new Map<string, T[]>();
  for (const row of rows) {
    const list = days.get(row.day!);
    if (list) list.push(row);
    else days.set(row.day!, [row]);
  }
  return days;
}

/** Per-day increments from dated rows: days in order, only those that added something. */
function dailyCounts(exposures: ExposureRow[], totals: TotalRow[]): DailyCounts[] {
  const exposuresByDay = byDay(exposures);
  const totalsByDay = byDay(totals);
  const days = [...new Set([...exposuresByDay.keys(), ...totalsByDay.keys()])].sort();
  return days.map((day) => ({
    day,
    variants: variantCounts(exposuresByDay.get(day) ?? [], totalsByDay.get(day) ?? []),
  }));
}

/**
 * The version of an experiment's aggregates: its exposures and its folded events, in all. Both
 * only grow, and every write to the aggregates grows one of them (an exposure flush adds at
 * least one exposure to a count and its day; a fold adds at least one event to a total and its
 * day, in the same statement), so equal versions mean equal aggregates.
 */
function aggregatesVersion(exposures: ExposureRow[], totals: TotalRow[]): string {
  const sum = (values: string[]) => values.reduce((a, b) => a + BigInt(b), 0n);
  return `${sum(exposures.map((r) => r.exposures))}:${sum(totals.map((r) => r.events))}`;
}

/** Rows without a day (the totals), then those with one (the per-day increments). */
function partitionByDated<T extends { day?: string | null }>(rows: T[]): [T[], T[]] {
  return [rows.filter((r) => r.day === null), rows.filter((r) => r.day !== null)];
}

/** The aggregates of one experiment as results read them: one snapshot. */
export interface ExperimentAggregates {
  /** `aggregatesVersion` of these aggregates. */
  version: string;
  totals: VariantCounts[];
  daily: DailyCounts[];
}

/** A row of AGGREGATES: an exposure count (event_name null) or a metric total; dated or not. */
interface AggregateRow {
  day: string | null;
  variant_key: string;
  event_name: string | null;
  exposures: string;
  converters: string;
  events: string;
  sum: number;
  sum_of_squares: number;
}

/** An experiment's totals and per-day increments, in one statement. */
const AGGREGATES = `
  SELECT NULL::text AS day, variant_key, NULL::text AS event_name, exposures,
         NULL::bigint AS converters, NULL::bigint AS events, NULL::float8 AS sum, NULL::float8 AS sum_of_squares
  FROM experiment_exposure_count WHERE experiment_id = $1
  UNION ALL
  SELECT NULL, variant_key, event_name, NULL, converters, events, sum, sum_of_squares
  FROM experiment_metric_total WHERE experiment_id = $1
  UNION ALL
  SELECT to_char(day, 'YYYY-MM-DD'), variant_key, NULL, exposures, NULL, NULL, NULL, NULL
  FROM experiment_exposure_daily WHERE experiment_id = $1
  UNION ALL
  SELECT to_char(day, 'YYYY-MM-DD'), variant_key, event_name, NULL, converters, events, sum, sum_of_squares
  FROM experiment_metric_daily WHERE experiment_id = $1`;

/**
 * Per-variant exposures and metric aggregates of an experiment, read from the incremental
 * tables (never the raw events). Events not yet folded in (see ExperimentAggregator) are not
 * in them.
 */
@Injectable()
export class ExperimentCounts {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async forExperiment(experimentId: string): Promise<VariantCounts[]> {
    const [exposures, totals]: [ExposureRow[], TotalRow[]] = await Promise.all([
      this.dataSource.query(
        'SELECT variant_key, exposures FROM experiment_exposure_count WHERE experiment_id = $1',
        [experimentId],
      ),
      this.dataSource.query(
        `SELECT variant_key, event_name, converters, events, sum, sum_of_squares
         FROM experiment_metric_total WHERE experiment_id = $1`,
        [experimentId],
      ),
    ]);
    return variantCounts(exposures, totals);
  }

  /**
   * Everything results are computed from — the totals, the per-day increments and their
   * version — read in one statement, so one snapshot of the aggregates.
   */
  async aggregatesFor(experimentId: string): Promise<ExperimentAggregates> {
    const rows: AggregateRow[] = await this.dataSource.query(AGGREGATES, [experimentId]);
    const exposures = rows.filter((r) => r.event_name === null);
    const totals = rows.filter((r): r is AggregateRow & TotalRow => r.event_name !== null);
    const [exposuresNow, exposuresDaily] = partitionByDated(exposures);
    const [totalsNow, totalsDaily] = partitionByDated(totals);
    return {
      version: aggregatesVersion(exposuresNow, totalsNow),
      totals: variantCounts(exposuresNow, totalsNow),
      daily: dailyCounts(exposuresDaily, totalsDaily),
    };
  }

  /**
   * The version of the experiment's aggregates (see `aggregatesVersion`), without reading them:
   * equal to `aggregatesFor(…).version` read at the same moment.
   */
  async versionOf(experimentId: string): Promise<string> {
    const [row]: { exposures: string; events: string }[] = await this.dataSource.query(
      `SELECT (SELECT coalesce(sum(exposures), 0) FROM experiment_exposure_count
               WHERE experiment_id = $1)::text AS exposures,
              (SELECT coalesce(sum(events), 0) FROM experiment_metric_total
               WHERE experiment_id = $1)::text AS events`,
      [experimentId],
    );
    return `${row.exposures}:${row.events}`;
  }
}
