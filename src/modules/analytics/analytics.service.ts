import { Injectable } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { AppError, ValidationIssue } from '../../core/errors/app-error';
import { ConfigsService } from '../configs/configs.service';
import { EnvironmentsService } from '../environments/environments.service';
import { DAY_MS, HOUR_MS, MINUTE_MS, UsageGranularity } from '../usage/usage-metric.util';
import { DistinctSubjects, ENVIRONMENT_WIDE, UniqueCounter } from '../usage/unique-counter';
import { CountsBuilder, rate } from './analytics-counts.util';
import { analyticsPeriods, isTimeZone } from './analytics-periods.util';
import { AnalyticsRepository, KeyTotals, PointCount } from './analytics.repository';
import {
  AnalyticsGranularity,
  ConfigAnalyticsArgs,
  MAX_ANALYTICS_POINTS,
} from './dto/config-analytics.args';
import {
  AnalyticsSeries,
  AnalyticsTopConfig,
  ConfigAnalytics,
} from './dto/config-analytics.payload';
import { StaleConfig, StaleConfigsArgs, StaleReason } from './dto/stale-configs.args';
import { servesOneValue } from './stale-configs.util';

/** Longest range of a configAnalytics query, and of one at HOUR granularity. */
export const MAX_RANGE_DAYS = 400;
export const MAX_HOURLY_RANGE_DAYS = 31;
/**
 * The latest `to` a configAnalytics query may name. The range is widened to whole periods, and
 * the local day `to` falls in may end up to 36 hours after the UTC midnight of its date (in a
 * zone at UTC-12): from any later time the widened end could fall in the year 10000, which
 * PostgreSQL cannot be given.
 */
export const LATEST_ANALYTICS_TO = '9999-12-31T00:00:00Z';
const LATEST_TO_TIME = Date.parse(LATEST_ANALYTICS_TO);

/** Entries in each top list. */
export const TOP_CONFIGS = 10;

const PERIOD_MS: Record<UsageGranularity, number> = {
  [UsageGranularity.Minute]: MINUTE_MS,
  [UsageGranularity.Hour]: HOUR_MS,
  [UsageGranularity.Day]: DAY_MS,
};

/**
 * configAnalytics and staleConfigs: reads of the usage counters (hour and day rows), the
 * HyperLogLog sketches (through UniqueCounter) and the configs. See docs/analytics.md.
 */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly configs: ConfigsService,
    private readonly usage: AnalyticsRepository,
    private readonly uniques: UniqueCounter,
  ) {}

  /** Viewers and up; a scoped key in its environment only. */
  async analytics(actor: Actor, args: ConfigAnalyticsArgs): Promise<ConfigAnalytics> {
    checkRange(args);
    const environment = await this.environments.getForActor(actor, args.environment);
    const keys = [...new Set(args.keys ?? [])];
    const granularity = args.granularity === AnalyticsGranularity.HOUR ? 'hour' : ('day' as const);
    const { bounds, approximated } = analyticsPeriods(
      args.from,
      args.to,
      granularity,
      args.timezone,
    );
    checkPoints(keys.length, bounds.length - 1);
    const from = bounds[0];
    const to = bounds[bounds.length - 1];
    // Days that start on UTC midnights are the daily rows; other days are summed from hours.
    const source =
      granularity === 'day' && bounds.every((b) => b.getTime() % DAY_MS === 0)
        ? UsageGranularity.Day
        : UsageGranularity.Hour;
    const [environmentCounts, keyCounts, tops, distinct] = await Promise.all([
      this.usage.pointCounts(environment.id, source, bounds, null),
      keys.length > 0 ? this.usage.pointCounts(environment.id, source, bounds, keys) : [],
      this.usage.topConfigs(environment.id, from, to, TOP_CONFIGS),
      this.uniques.distinct(environment.id, [...keys, ENVIRONMENT_WIDE], from, to),
    ]);
    const perKey = new Map<string, PointCount[]>(keys.map((k) => [k, []]));
    for (const count of keyCounts) perKey.get(count.configKey!)?.push(count);
    const subjects = (key: string) => distinct.get(key) ?? { users: 0, devices: 0 };
    const entry = (t: KeyTotals): AnalyticsTopConfig => ({
      key: t.configKey,
      evaluations: t.evaluations,
      errors: t.errors,
      errorRate: rate(t.errors, t.evaluations),
    });
    return {
      environment: environment.key,
      from,
      to,
      granularity: args.granularity,
      timezone: args.timezone,
      approximated,
      environmentSeries: seriesOf(null, bounds, environmentCounts, subjects(ENVIRONMENT_WIDE)),
      configs: keys.map((key) => seriesOf(key, bounds, perKey.get(key)!, subjects(key))),
      topByEvaluations: tops.byEvaluations.map(entry),
      topByErrors: tops.byErrors.map(entry),
    };
  }

  /** Viewers and up; a scoped key in its environment only. */
  async stale(actor: Actor, args: StaleConfigsArgs, now = new Date()): Promise<StaleConfig[]> {
    const environment = await this.environments.getForActor(actor, args.environment);
    const configs = await this.configs.activeIn(environment.id);
    const since = now.getTime() - args.days * DAY_MS;
    const evaluated = await this.usage.lastEvaluated(
      environment.id,
      configs.map((c) => c.key),
    );
    const stale: StaleConfig[] = [];
    for (const config of configs) {
      const last = evaluated.get(config.key);
      const reasons: StaleReason[] = [];
      // The latest period with evaluations ends before the cut: none since.
      if (!last || last.at.getTime() + PERIOD_MS[last.granularity] <= since)
        reasons.push(StaleReason.NOT_EVALUATED);
      if (config.updatedAt.getTime() <= since && servesOneValue(config))
        reasons.push(StaleReason.SINGLE_VALUE);
      if (reasons.length > 0) {
        stale.push({
          key: config.key,
          reasons,
          lastEvaluatedAt: last?.at ?? null,
          lastChangedAt: config.updatedAt,
        });
      }
    }
    return stale;
  }
}

function checkRange(args: ConfigAnalyticsArgs): void {
  const issues: ValidationIssue[] = [];
  if (!isTimeZone(args.timezone)) {
    issues.push({
      path: 'timezone',
      rule: 'timeZone',
      message: `timezone must be an IANA time zone name such as UTC or Europe/Paris; "${args.timezone}" is not one`,
    });
  }
  const span = args.to.getTime() - args.from.getTime();
  const maxDays =
    args.granularity === AnalyticsGranularity.HOUR ? MAX_HOURLY_RANGE_DAYS : MAX_RANGE_DAYS;
  if (args.to.getTime() > LATEST_TO_TIME) {
    issues.push({
      path: 'to',
      rule: 'maxTime',
      message: `to must be at most ${LATEST_ANALYTICS_TO}: the range is widened to whole periods, which must end within the year 9999`,
    });
  } else if (span <= 0) {
    issues.push({ path: 'to', rule: 'afterFrom', message: 'to must be later than from' });
  } else if (span > maxDays * DAY_MS) {
    issues.push({
      path: 'to',
      rule: 'maxRange',
      message: `to must be at most ${maxDays} days after from at ${args.granularity.toUpperCase()} granularity`,
    });
  }
  if (issues.length > 0) {
    throw AppError.badInput(
      `Invalid analytics range: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
}

function checkPoints(keys: number, points: number): void {
  const total = (keys + 1) * points;
  if (total <= MAX_ANALYTICS_POINTS) return;
  const max = MAX_ANALYTICS_POINTS.toLocaleString('en-US');
  const message = `an answer holds at most ${max} points over its series: ${keys} keys and the environment × ${points} points is ${total.toLocaleString('en-US')}; ask for fewer keys, a shorter range or DAY points`;
  throw AppError.badInput(`Too many analytics points: ${message}`, [
    { path: 'keys', rule: 'maxPoints', message },
  ]);
}

function seriesOf(
  key: string | null,
  bounds: readonly Date[],
  counts: readonly PointCount[],
  subjects: DistinctSubjects,
): AnalyticsSeries {
  const points = bounds.slice(0, -1).map(() => new CountsBuilder());
  for (const c of counts) points[c.point]?.add(c.metric, c.dimension, c.count);
  const totals = new CountsBuilder();
  for (const point of points) totals.addAll(point);
  return {
    key,
    totals: {
      ...totals.build(),
      uniqueUsers: subjects.users,
      uniqueDevices: subjects.devices,
    },
    points: points.map((point, i) => ({
      ...point.build(),
      periodStart: bounds[i],
      periodEnd: bounds[i + 1],
    })),
  };
}
