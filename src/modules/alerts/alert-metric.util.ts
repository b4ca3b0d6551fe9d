/**
 * What an alert rule measures, and whether a measure crosses its threshold: pure functions over
 * usage counters (docs/alerts.md has the formulas). The evaluator and the console's preview
 * (`alertMetricSeries`) both compute with them, so the chart shows what the rule would see.
 */

export enum AlertCondition {
  ERROR_RATE = 'error_rate',
  FETCH_RATE = 'fetch_rate',
  USAGE_DROP = 'usage_drop',
  VALIDATION_FAILURE = 'validation_failure',
}

export enum AlertOperator {
  GT = 'gt',
  GTE = 'gte',
  LT = 'lt',
  LTE = 'lte',
}

export const MINUTE_MS = 60_000;
export const WEEK_MS = 7 * 24 * 60 * MINUTE_MS;

/**
 * Error codes counted under the `error` metric that are not failures: TARGETING_KEY_MISSING
 * comes with a value served on purpose (the default, for a subject without an id).
 */
export const NON_ERROR_CODES: readonly string[] = ['TARGETING_KEY_MISSING'];

/** The conditions whose value is a share (0 to 1), so whose threshold is one too. */
export const RATE_CONDITIONS: readonly AlertCondition[] = [
  AlertCondition.ERROR_RATE,
  AlertCondition.USAGE_DROP,
];

/**
 * The counters of one period (a minute, or an hour for data older than minute rows are
 * kept): evaluations, evaluation errors (not counting NON_ERROR_CODES) and refused saves.
 */
export interface UsageBucket {
  /** The period's start, ms since the epoch. */
  start: number;
  evaluations: number;
  errors: number;
  refusedSaves: number;
}

export type UsageTotals = Omit<UsageBucket, 'start'>;

/** Buckets in time order with running sums: the sum over any range is two binary searches. */
export class UsageSeries {
  private readonly starts: number[];
  /** sums[i] holds the totals of buckets before index i. */
  private readonly sums: UsageTotals[];

  constructor(buckets: readonly UsageBucket[]) {
    const sorted = [...buckets].sort((a, b) => a.start - b.start);
    this.starts = sorted.map((b) => b.start);
    this.sums = [{ evaluations: 0, errors: 0, refusedSaves: 0 }];
    for (const bucket of sorted) {
      const last = this.sums[this.sums.length - 1];
      this.sums.push({
        evaluations: last.evaluations + bucket.evaluations,
        errors: last.errors + bucket.errors,
        refusedSaves: last.refusedSaves + bucket.refusedSaves,
      });
    }
  }

  /** The totals of the buckets that start in [from, to). */
  sum(from: number, to: number): UsageTotals {
    const a = this.sums[this.indexOf(from)];
    const b = this.sums[this.indexOf(Math.max(from, to))];
    return {
      evaluations: b.evaluations - a.evaluations,
      errors: b.errors - a.errors,
      refusedSaves: b.refusedSaves - a.refusedSaves,
    };
  }

  /** The index of the first bucket starting at or after `time`. */
  private indexOf(time: number): number {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.starts[middle] < time) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** What a rule measured at one time. */
export interface AlertMeasure {
  /** The value compared with the threshold; null when it cannot be computed (nothing to divide by). */
  value: number | null;
  /** What minimumSample is compared with (see sampleOf in docs/alerts.md). */
  sample: number;
  /** usage_drop only: the drop against the same window a week earlier; null without data then. */
  weekEarlierValue: number | null;
  /** The window measured: [from, to). */
  from: number;
  to: number;
}

/**
 * Where a rule's window ends when measured at `at`. Error rates and refused saves count up to
 * `at`, the current minute so far included (a ratio or a count is not skewed by a partial
 * minute, and a spike is seen at once). Fetch rates and usage drops count whole minutes that
 * ended at least `settleMs` (the usage flush interval) ago: a minute still being counted or
 * not yet written would look like a drop.
 */
export function windowEnd(condition: AlertCondition, at: number, settleMs: number): number {
  if (condition === AlertCondition.FETCH_RATE || condition === AlertCondition.USAGE_DROP) {
    return Math.floor((at - settleMs) / MINUTE_MS) * MINUTE_MS;
  }
  return at;
}

/** A time range [from, to) in ms since the epoch. */
export interface TimeRange {
  from: number;
  to: number;
}

/**
 * The ranges of counters a rule reads to measure windows ending from `firstEnd` to `lastEnd`
 * (one evaluation: both the same): its window, and for usage_drop the window before it and
 * the same window a week earlier. Reading only these keeps a week-long lookback cheap.
 */
export function readRanges(
  condition: AlertCondition,
  windowMinutes: number,
  firstEnd: number,
  lastEnd: number,
): TimeRange[] {
  const window = windowMinutes * MINUTE_MS;
  if (condition !== AlertCondition.USAGE_DROP) return [{ from: firstEnd - window, to: lastEnd }];
  return [
    { from: firstEnd - 2 * window, to: lastEnd },
    { from: firstEnd - window - WEEK_MS, to: lastEnd - WEEK_MS },
  ];
}

/** The rule's measure at `at` over `windowMinutes`, from the counters in `series`. */
export function measure(
  condition: AlertCondition,
  series: UsageSeries,
  at: number,
  windowMinutes: number,
  settleMs: number,
): AlertMeasure {
  const window = windowMinutes * MINUTE_MS;
  const to = windowEnd(condition, at, settleMs);
  const from = to - window;
  const now = series.sum(from, to);
  const base = { from, to, weekEarlierValue: null };
  switch (condition) {
    case AlertCondition.ERROR_RATE:
      return {
        ...base,
        value: now.evaluations === 0 ? null : now.errors / now.evaluations,
        sample: now.evaluations,
      };
    case AlertCondition.FETCH_RATE:
      return { ...base, value: now.evaluations / windowMinutes, sample: now.evaluations };
    case AlertCondition.VALIDATION_FAILURE:
      return { ...base, value: now.refusedSaves, sample: now.refusedSaves };
    case AlertCondition.USAGE_DROP: {
      const before = series.sum(from - window, from).evaluations;
      const weekEarlier = series.sum(from - WEEK_MS, to - WEEK_MS).evaluations;
      return {
        ...base,
        value: before === 0 ? null : 1 - now.evaluations / before,
        sample: before,
        weekEarlierValue: weekEarlier === 0 ? null : 1 - now.evaluations / weekEarlier,
      };
    }
  }
}

export function compare(value: number, operator: AlertOperator, threshold: number): boolean {
  switch (operator) {
    case AlertOperator.GT:
      return value > threshold;
    case AlertOperator.GTE:
      return value >= threshold;
    case AlertOperator.LT:
      return value < threshold;
    case AlertOperator.LTE:
      return value <= threshold;
  }
}

export interface AlertRule {
  condition: AlertCondition;
  operator: AlertOperator;
  threshold: number;
  minimumSample: number;
}

/**
 * crossing: the rule fires (or stays fired). The others are all "not crossing" (and count as
 * recovered for an open event): no value, a sample under minimumSample, a value on the right
 * side of the threshold, or (usage_drop) a drop that does not hold against a week earlier.
 */
export type AlertAssessment = 'crossing' | 'no_data' | 'small_sample' | 'clear' | 'weekly_clear';

export function assess(rule: AlertRule, measured: AlertMeasure): AlertAssessment {
  if (measured.value === null) return 'no_data';
  if (measured.sample < rule.minimumSample) return 'small_sample';
  if (!compare(measured.value, rule.operator, rule.threshold)) return 'clear';
  if (
    rule.condition === AlertCondition.USAGE_DROP &&
    measured.weekEarlierValue !== null &&
    !compare(measured.weekEarlierValue, rule.operator, rule.threshold)
  ) {
    return 'weekly_clear';
  }
  return 'crossing';
}

/**
 * The rule's measure every `stepMs` from `from` (aligned to the step), and at `to` itself
 * (now, whose window holds the latest counts) when it is not on a step.
 */
export function measureSeries(
  condition: AlertCondition,
  series: UsageSeries,
  range: { from: number; to: number; stepMs: number },
  windowMinutes: number,
  settleMs: number,
): { at: number; measured: AlertMeasure }[] {
  const first = Math.ceil(range.from / range.stepMs) * range.stepMs;
  const times: number[] = [];
  for (let at = first; at <= range.to; at += range.stepMs) times.push(at);
  if (times[times.length - 1] !== range.to) times.push(range.to);
  return times.map((at) => ({
    at,
    measured: measure(condition, series, at, windowMinutes, settleMs),
  }));
}

const OPERATOR_WORDS: Record<AlertOperator, string> = {
  [AlertOperator.GT]: 'above',
  [AlertOperator.GTE]: 'at or above',
  [AlertOperator.LT]: 'below',
  [AlertOperator.LTE]: 'at or below',
};

const CONDITION_WORDS: Record<AlertCondition, string> = {
  [AlertCondition.ERROR_RATE]: 'error rate',
  [AlertCondition.FETCH_RATE]: 'fetch rate',
  [AlertCondition.USAGE_DROP]: 'usage drop',
  [AlertCondition.VALIDATION_FAILURE]: 'refused saves',
};

/** A value as people read it: rates in percent, fetch rates per minute, counts as counts. */
export function formatValue(condition: AlertCondition, value: number): string {
  if (RATE_CONDITIONS.includes(condition)) return `${round(value * 100)}%`;
  if (condition === AlertCondition.FETCH_RATE) return `${round(value)}/min`;
  return `${round(value)}`;
}

/** "error rate 25% above 10% over 5 min" */
export function describeCrossing(
  rule: Omit<AlertRule, 'minimumSample'> & { windowMinutes: number },
  value: number,
): string {
  return `${CONDITION_WORDS[rule.condition]} ${formatValue(rule.condition, value)} ${
    OPERATOR_WORDS[rule.operator]
  } ${formatValue(rule.condition, rule.threshold)} over ${formatWindow(rule.windowMinutes)}`;
}

export function formatWindow(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
