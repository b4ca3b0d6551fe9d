/** Figures of the results view, formatted for reading. */

export const MIN_EXPOSURES = 100;

export function percent(value: number | null | undefined, digits = 2): string {
  return value == null ? '—' : `${(value * 100).toFixed(digits)}%`;
}

export function signedPercent(value: number | null | undefined): string {
  if (value == null) return '—';
  return `${value > 0 ? '+' : ''}${(value * 100).toFixed(2)}%`;
}

export function number(value: number | null | undefined, digits = 3): string {
  return value == null ? '—' : Number(value.toPrecision(digits + 2)).toLocaleString();
}

export function pValue(value: number | null | undefined): string {
  if (value == null) return '—';
  return value < 0.0001 ? '< 0.0001' : value.toFixed(4);
}

/**
 * Where an interval and its point sit on a bar from `min` to `max`, as percents of its
 * width (clamped to the bar).
 */
export function barPosition(
  lower: number,
  upper: number,
  point: number,
  min: number,
  max: number,
): { left: number; width: number; point: number } {
  const span = max - min || 1;
  const at = (x: number) => Math.min(100, Math.max(0, ((x - min) / span) * 100));
  return { left: at(lower), width: at(upper) - at(lower), point: at(point) };
}

/** The common scale of several intervals, padded a little and always including `include`. */
export function scaleOf(
  intervals: readonly { lower: number; upper: number }[],
  include?: number,
): { min: number; max: number } {
  const xs = intervals.flatMap((i) => [i.lower, i.upper]);
  if (include !== undefined) xs.push(include);
  if (xs.length === 0) return { min: 0, max: 1 };
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const pad = (max - min) * 0.05 || 0.01;
  return { min: min - pad, max: max + pad };
}

/** A metric's results at the end of one UTC day (the API's `history`). */
export interface HistoryPoint {
  at: string;
  variants: readonly { variantKey: string; sequentialPValue?: number | null }[];
}

/** The sequential p-value chart's data: UTC days (seconds, as uPlot takes them), one line per variant. */
export interface PValueSeries {
  times: number[];
  lines: { label: string; values: (number | null)[] }[];
}

/**
 * One line per non-control variant: its always-valid p-value against the control at the end of
 * each day (null, a gap, where it was not computable yet). Variants are those of the last day,
 * in order; the control has no p-value and no line.
 */
export function sequentialPValueSeries(
  history: readonly HistoryPoint[],
  controlKey: string | undefined,
): PValueSeries {
  const last = history[history.length - 1];
  const keys = (last?.variants ?? []).map((v) => v.variantKey).filter((key) => key !== controlKey);
  return {
    times: history.map((point) => Date.parse(point.at) / 1000),
    lines: keys.map((key) => ({
      label: key,
      values: history.map(
        (point) => point.variants.find((v) => v.variantKey === key)?.sequentialPValue ?? null,
      ),
    })),
  };
}

/** The chart in words, for screen readers: per variant, its p-value on the last day and its lowest. */
export function pValueSummary(series: PValueSeries, alpha: number): string {
  if (series.times.length === 0) return 'No daily results yet.';
  const days = `${series.times.length} day${series.times.length === 1 ? '' : 's'}`;
  const lines = series.lines.map((line) => {
    const known = line.values.filter((v): v is number => v !== null);
    if (known.length === 0) return `${line.label}: not computable yet`;
    const latest = line.values[line.values.length - 1];
    const below = known.some((v) => v < alpha) ? `, below ${alpha} on some day` : '';
    return `${line.label}: ${pValue(latest)} on the last day, lowest ${pValue(Math.min(...known))}${below}`;
  });
  return `Sequential p-value over ${days}. ${lines.join('; ')}.`;
}
