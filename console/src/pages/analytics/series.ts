import type { AnalyticsGranularity } from '../../api/gql/graphql';
import { periodLabel } from './analytics-range';

/** The counters and rates of one point that the charts draw. */
export interface PointLike {
  periodStart: string;
  evaluations: number;
  errors: number;
  errorRate: number;
  targetingMatchRate: number;
  rolloutReceiveRate: number;
  cacheHitRate: number;
}

export type CountMetric = 'evaluations' | 'errors';
export type RateMetric = 'errorRate' | 'targetingMatchRate' | 'rolloutReceiveRate' | 'cacheHitRate';

export const RATE_LABELS: Record<RateMetric, string> = {
  errorRate: 'Error rate',
  targetingMatchRate: 'Targeting match rate',
  rolloutReceiveRate: 'Rollout receive rate',
  cacheHitRate: 'Cache hit rate',
};

/** A named series of points: the whole environment, or one config. */
export interface NamedSeries {
  label: string;
  points: readonly PointLike[];
}

/** One line of a chart: its name and one value per period. */
export interface ChartLine {
  label: string;
  values: number[];
}

/** What a chart draws: the periods' starts (seconds since the epoch, as uPlot takes them) and lines. */
export interface ChartData {
  times: number[];
  lines: ChartLine[];
}

/** One line per series for a counter (every series shares the periods of one answer). */
export function countChart(series: readonly NamedSeries[], metric: CountMetric): ChartData {
  const first = series[0]?.points ?? [];
  return {
    times: first.map((p) => Date.parse(p.periodStart) / 1000),
    lines: series.map((s) => ({ label: s.label, values: s.points.map((p) => p[metric]) })),
  };
}

/** One line per rate of one series, in percent. */
export function rateChart(points: readonly PointLike[], rates: readonly RateMetric[]): ChartData {
  return {
    times: points.map((p) => Date.parse(p.periodStart) / 1000),
    lines: rates.map((rate) => ({
      label: RATE_LABELS[rate],
      values: points.map((p) => round(p[rate] * 100, 2)),
    })),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A count as people read it: 1,234,567. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Math.round(value).toLocaleString('en-US');
}

/** A rate (0 to 1) as a percentage: "12.5 %". */
export function formatRate(rate: number): string {
  return `${round(rate * 100, 1)} %`;
}

/**
 * The text alternative of a chart: each line's total (or average, for rates) and its peak
 * with the period it fell in.
 */
export function chartSummary(
  title: string,
  data: ChartData,
  granularity: AnalyticsGranularity,
  zone: string,
  unit: 'count' | 'percent',
): string {
  if (data.times.length === 0) return `${title}: no periods.`;
  const parts = data.lines.map((line) => {
    let peak = 0;
    for (let i = 1; i < line.values.length; i++) if (line.values[i] > line.values[peak]) peak = i;
    const sum = line.values.reduce((a, b) => a + b, 0);
    const at = periodLabel(new Date(data.times[peak] * 1000).toISOString(), granularity, zone);
    if (unit === 'percent') {
      const average = round(sum / line.values.length, 1);
      return `${line.label}: average ${average} %, highest ${line.values[peak]} % (${at})`;
    }
    return line.values[peak] === 0
      ? `${line.label}: none`
      : `${line.label}: ${formatCount(sum)} in all, most ${formatCount(line.values[peak])} (${at})`;
  });
  const per = granularity === 'HOUR' ? 'hour' : 'day';
  return `${title}, ${data.times.length} ${per}s: ${parts.join('; ')}.`;
}
