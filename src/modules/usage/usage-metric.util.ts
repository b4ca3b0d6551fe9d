import { EvaluationResult } from '../../engine/evaluation/result';

/** Where an evaluation was served, or that an SDK reported it. */
export enum UsageChannel {
  GraphQL = 'graphql',
  Ofrep = 'ofrep',
  Subscription = 'subscription',
  Sdk = 'sdk',
}

/** The channels evaluated on this server, in the order the recorder keeps their tallies. */
export const SERVED_CHANNELS = [
  UsageChannel.GraphQL,
  UsageChannel.Ofrep,
  UsageChannel.Subscription,
] as const;
export type ServedChannel = (typeof SERVED_CHANNELS)[number];

/** What one usage row counts; `dimension` says which one where a metric has several. */
export enum UsageMetric {
  /** Dimension: the channel. */
  Evaluations = 'evaluations',
  /** Dimension: the rule id. */
  TargetingMatch = 'targeting_match',
  /** `value` served inside a rollout under 100%. */
  Rollout = 'rollout',
  /** `value` served at a rollout of 100%. */
  Fallthrough = 'fallthrough',
  Default = 'default',
  /** `defaultValue` served by an archived config. */
  Disabled = 'disabled',
  /** Dimension: the variant. */
  Experiment = 'experiment',
  /** Dimension: the error code. */
  Error = 'error',
  /** Saves refused by validation. */
  RefusedSave = 'refused_save',
  /** SDK-reported. */
  CacheHit = 'cache_hit',
  CacheMiss = 'cache_miss',
}

export enum UsageGranularity {
  Minute = 'minute',
  Hour = 'hour',
  Day = 'day',
}

/** One counter of one config in one period. */
export interface UsageCount {
  environmentId: string;
  configKey: string;
  metric: UsageMetric;
  dimension: string;
  count: number;
}

/** A counter with the period it belongs to: a row of `config_usage_metric`. */
export interface UsageRow extends UsageCount {
  granularity: UsageGranularity;
  periodStart: Date;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Config keys and dimensions are cut to this length (an unknown key comes from a client). */
export const MAX_LABEL_LENGTH = 200;

/** What PostgreSQL cannot store as text: NUL, and a lone surrogate (it has no UTF-8 form). */
// eslint-disable-next-line no-control-regex -- NUL is the control character meant.
const NOT_STORABLE = /[\u0000\p{Cs}]/gu;

/**
 * A label as stored: at most MAX_LABEL_LENGTH characters, and text PostgreSQL takes (an
 * unknown key a client sent may hold NUL or a lone surrogate; NUL would fail the whole write).
 */
export function storedLabel(text: string): string {
  return text.slice(0, MAX_LABEL_LENGTH).replace(NOT_STORABLE, '\uFFFD');
}

const REASON_METRIC: Partial<Record<EvaluationResult['reason'], UsageMetric>> = {
  TARGETING_MATCH: UsageMetric.TargetingMatch,
  ROLLOUT: UsageMetric.Rollout,
  FALLTHROUGH: UsageMetric.Fallthrough,
  DEFAULT: UsageMetric.Default,
  DISABLED: UsageMetric.Disabled,
  EXPERIMENT: UsageMetric.Experiment,
};

/**
 * The counters `count` evaluations with this result add to: the evaluation by channel, what
 * was served and why (rule, rollout, default, archived, variant), and its error if any.
 */
export function countsOfResult(
  result: EvaluationResult,
  channel: UsageChannel,
  count: number,
): [UsageMetric, string, number][] {
  const counts: [UsageMetric, string, number][] = [[UsageMetric.Evaluations, channel, count]];
  const metric = REASON_METRIC[result.reason];
  if (metric) counts.push([metric, result.ruleId ?? result.variant ?? '', count]);
  if (result.errorCode) counts.push([UsageMetric.Error, result.errorCode, count]);
  return counts;
}

/** The start of the period of `granularity` that `time` (ms since the epoch) falls in, UTC. */
export function periodStart(time: number, granularity: UsageGranularity): number {
  const size =
    granularity === UsageGranularity.Minute
      ? MINUTE_MS
      : granularity === UsageGranularity.Hour
        ? HOUR_MS
        : DAY_MS;
  return time - (((time % size) + size) % size);
}

/**
 * Minute rows older than this are written with their hour and day rows too: the rollup job
 * re-sums only recent hours (see rollup-usage.job.ts), and must cover this age with room.
 */
export const LATE_AFTER_MS = HOUR_MS;

/**
 * Minute rows, with the hour and day rows of those that arrive late (counts held through a
 * database outage, or an SDK report of a period long past), so the rollup need not look back
 * that far. Recent minutes reach hours and days through the rollup.
 */
export function withLateRollups(rows: readonly UsageRow[], now: number): UsageRow[] {
  return rows.flatMap((row) => {
    const time = row.periodStart.getTime();
    if (now - time <= LATE_AFTER_MS) return [row];
    return [
      row,
      {
        ...row,
        granularity: UsageGranularity.Hour,
        periodStart: new Date(periodStart(time, UsageGranularity.Hour)),
      },
      {
        ...row,
        granularity: UsageGranularity.Day,
        periodStart: new Date(periodStart(time, UsageGranularity.Day)),
      },
    ];
  });
}

/**
 * Sums counts that fall on the same row, as one upsert statement needs (PostgreSQL refuses to
 * update one row twice in one INSERT … ON CONFLICT).
 */
export class UsageRows {
  private readonly rows = new Map<string, UsageRow>();

  add(row: UsageRow): void {
    if (row.count === 0) return;
    const id = rowId(row);
    const existing = this.rows.get(id);
    if (existing) existing.count += row.count;
    else this.rows.set(id, { ...row });
  }

  addAll(rows: Iterable<UsageRow>): void {
    for (const row of rows) this.add(row);
  }

  get size(): number {
    return this.rows.size;
  }

  values(): UsageRow[] {
    return [...this.rows.values()];
  }
}

function rowId(row: UsageRow): string {
  return [
    row.environmentId,
    row.granularity,
    row.periodStart.getTime(),
    row.configKey,
    row.metric,
    row.dimension,
  ].join('\u0000');
}
