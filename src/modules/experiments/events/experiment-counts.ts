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
  day?: string;
}

interface TotalRow {
  variant_key: string;
  event_name: string;
  converters: string;
  sum: number;
  sum_of_squares: number;
  day?: string;
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
function byDay<T extends { day?: string }>(rows: T[]): Map<string, T[]> {
  const days = new Map<string, T[]>();
  for (const row of rows) {
    const list = days.get(row.day!);
    if (list) list.push(row);
    else days.set(row.day!, [row]);
  }
  return days;
}

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
        `SELECT variant_key, event_name, converters, sum, sum_of_squares
         FROM experiment_metric_total WHERE experiment_id = $1`,
        [experimentId],
      ),
    ]);
    return variantCounts(exposures, totals);
  }

  /**
   * The experiment's per-day increments (UTC days, in order; only days that added something),
   * read from the daily aggregate tables the exposure flush and the aggregation job keep. Summed
   * over every day they are `forExperiment`'s totals.
   */
  async dailyForExperiment(experimentId: string): Promise<DailyCounts[]> {
    const [exposures, totals]: [ExposureRow[], TotalRow[]] = await Promise.all([
      this.dataSource.query(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, variant_key, exposures
         FROM experiment_exposure_daily WHERE experiment_id = $1`,
        [experimentId],
      ),
      this.dataSource.query(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, variant_key, event_name, converters, events,
                sum, sum_of_squares
         FROM experiment_metric_daily WHERE experiment_id = $1`,
        [experimentId],
      ),
    ]);
    const exposuresByDay = byDay(exposures);
    const totalsByDay = byDay(totals);
    const days = [...new Set([...exposuresByDay.keys(), ...totalsByDay.keys()])].sort();
    return days.map((day) => ({
      day,
      variants: variantCounts(exposuresByDay.get(day) ?? [], totalsByDay.get(day) ?? []),
    }));
  }
}
