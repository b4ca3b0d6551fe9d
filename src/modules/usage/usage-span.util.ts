import { DAY_MS } from './usage-metric.util';

/**
 * Day spans (config_usage_span, docs/usage-metrics.md "Day spans"): each config's totals and
 * merged sketches over aligned runs of UTC days, 2 to SPAN_MAX_DAYS days long (powers of two,
 * a run of n days starting on a multiple of n days since the epoch). A range of whole UTC
 * days reads O(log n) span rows per config instead of one day row per day.
 */
export const SPAN_MIN_DAYS = 2;
export const SPAN_MAX_DAYS = 256;

/**
 * Spans are built for days that ended this long ago: the rollup still re-sums the days of
 * its look-back and the sketches of hours still in Redis are stored up to SKETCH_TTL_MS after
 * they start, so younger days still change in the ordinary course (later writes to older days
 * are rare; they send the spans over those days back to be rebuilt, see usage-span.builder.ts).
 */
export const SPAN_SETTLE_MS = DAY_MS / 2;

/** One span: `days` UTC days from `start` (ms since the epoch, a UTC midnight). */
export interface DaySpan {
  start: number;
  days: number;
}

/** Which spans are complete: those inside [from, until) (UTC midnights, ms). */
export interface SpanState {
  /** Spans starting before this were pruned with the day rows (null: nothing pruned yet). */
  prunedBefore: number | null;
  /** Spans ending at or before this are complete (null: none built yet). */
  builtUntil: number | null;
}

/** A range of whole UTC days split into spans and the day rows between them. */
export interface SpanCover {
  spans: DaySpan[];
  /** [from, to) ranges of day rows, ms. */
  days: { from: number; to: number }[];
}

function ceilDay(time: number): number {
  return Math.ceil(time / DAY_MS) * DAY_MS;
}

/**
 * The days [from, to) (UTC midnights) as the fewest complete spans, each the largest aligned
 * span that fits where it starts, and day rows for the rest: the edges outside the complete
 * spans, and single days where no span of two fits. Merging or summing the cover's rows gives
 * exactly what the day rows of [from, to) give.
 */
export function spanCover(from: number, to: number, state: SpanState): SpanCover {
  if (from % DAY_MS !== 0 || to % DAY_MS !== 0) {
    throw new Error('a span cover takes whole UTC days');
  }
  const days: { from: number; to: number }[] = [];
  const addDays = (a: number, b: number) => {
    if (a >= b) return;
    const last = days[days.length - 1];
    if (last && last.to === a) last.to = b;
    else days.push({ from: a, to: b });
  };
  const spans: DaySpan[] = [];
  const start = Math.max(from, state.prunedBefore === null ? from : ceilDay(state.prunedBefore));
  const end = state.builtUntil === null ? start : Math.min(to, state.builtUntil);
  if (start >= end) {
    addDays(from, to);
    return { spans, days };
  }
  addDays(from, start);
  let day = start / DAY_MS;
  const last = end / DAY_MS;
  while (day < last) {
    let size = SPAN_MAX_DAYS;
    while (size >= SPAN_MIN_DAYS && (day % size !== 0 || day + size > last)) size /= 2;
    if (size >= SPAN_MIN_DAYS) {
      spans.push({ start: day * DAY_MS, days: size });
      day += size;
    } else {
      addDays(day * DAY_MS, (day + 1) * DAY_MS);
      day += 1;
    }
  }
  addDays(end, to);
  return { spans, days };
}

/**
 * The spans of `days` days whose end falls in (after, until] (UTC midnights, ms): the ones a
 * builder whose spans were complete up to `after` builds to be complete up to `until`.
 */
export function spansEndingIn(after: number, until: number, days: number): DaySpan[] {
  const size = days * DAY_MS;
  const spans: DaySpan[] = [];
  for (let end = Math.floor(after / size) * size + size; end <= until; end += size) {
    spans.push({ start: end - size, days });
  }
  return spans;
}
