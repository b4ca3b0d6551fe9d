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
