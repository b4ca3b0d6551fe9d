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

/**
 * Per-variant exposures and metric aggregates of an experiment, read from the incremental
 * tables (never the raw events). Events not yet folded in (see ExperimentAggregator) are not
 * in them.
 */
@Injectable()
export class ExperimentCounts {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async forExperiment(experimentId: string): Promise<VariantCounts[]> {
    const [exposures, totals]: [
      { variant_key: string; exposures: string }[],
      {
        variant_key: string;
        event_name: string;
        converters: string;
        sum: number;
        sum_of_squares: number;
      }[],
    ] = await Promise.all([
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
}
