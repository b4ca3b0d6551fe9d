import type { AlertCondition } from '../../api/gql/graphql';
import { formatMetric } from './alert-draft';

export interface MetricPoint {
  at: string;
  value: number | null;
  sample: number;
  crossing?: boolean | null;
}

/**
 * The preview in words: the range of the metric, its last value, and how often the rule
 * would have crossed its threshold (screen readers get this instead of the canvas).
 */
export function seriesSummary(
  condition: AlertCondition,
  points: readonly MetricPoint[],
  threshold: number | null,
): string {
  const measured = points.filter((p) => p.value !== null) as (MetricPoint & { value: number })[];
  if (measured.length === 0) return 'no data in the last 24 hours (nothing was evaluated).';
  const values = measured.map((p) => p.value);
  const last = measured[measured.length - 1];
  const range = `from ${formatMetric(condition, Math.min(...values))} to ${formatMetric(
    condition,
    Math.max(...values),
  )}, ${formatMetric(condition, last.value)} at the end`;
  if (threshold === null) return `${range}.`;
  const crossing = points.filter((p) => p.crossing).length;
  return `${range}; the rule would cross ${formatMetric(condition, threshold)} at ${crossing} of ${
    points.length
  } points.`;
}
