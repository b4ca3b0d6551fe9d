import { Injectable } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { AppConfig } from '../../core/config/app-config';
import { EnvironmentsService } from '../environments/environments.service';
import { UsagePeriods } from '../usage/usage-periods.service';
import {
  AlertCondition,
  AlertMeasure,
  assess,
  measure,
  measureSeries,
  MINUTE_MS,
  NON_ERROR_CODES,
  readRanges,
  TimeRange,
  UsageSeries,
  windowEnd,
} from './alert-metric.util';
import { AlertMetricSeries, AlertMetricSeriesArgs } from './dto/alert.inputs';

const SERIES_SPAN_MS = 24 * 60 * MINUTE_MS;
const SERIES_STEP_MINUTES = 5;

/** What a rule is measured on: its environment, config and condition over its window. */
export interface MeasuredRule {
  environmentId: string;
  configKey: string | null;
  condition: AlertCondition;
  windowMinutes: number;
}

/** Measures rules on the usage counters (UsagePeriods) with the pure functions of alert-metric.util. */
@Injectable()
export class AlertMeasures {
  constructor(
    private readonly periods: UsagePeriods,
    private readonly environments: EnvironmentsService,
    private readonly config: AppConfig,
  ) {}

  /** The rule's measure at `at` (ms since the epoch). */
  async measure(rule: MeasuredRule, at: number): Promise<AlertMeasure> {
    const end = windowEnd(rule.condition, at, this.settleMs);
    const series = await this.read(rule, readRanges(rule.condition, rule.windowMinutes, end, end));
    return measure(rule.condition, series, at, rule.windowMinutes, this.settleMs);
  }

  /** A would-be rule's measure over the last 24 hours, every 5 minutes (the console's preview). */
  async series(
    actor: Actor,
    args: AlertMetricSeriesArgs,
    now = Date.now(),
  ): Promise<AlertMetricSeries> {
    const environment = await this.environments.resolveForActor(actor, args.environment);
    const rule: MeasuredRule = {
      environmentId: environment.id,
      configKey: args.key ?? null,
      condition: args.condition,
      windowMinutes: args.windowMinutes,
    };
    const range = { from: now - SERIES_SPAN_MS, to: now, stepMs: SERIES_STEP_MINUTES * MINUTE_MS };
    const ranges = readRanges(
      rule.condition,
      rule.windowMinutes,
      windowEnd(rule.condition, range.from, this.settleMs),
      windowEnd(rule.condition, range.to, this.settleMs),
    );
    const series = await this.read(rule, ranges);
    const judged =
      args.operator != null && args.threshold != null
        ? {
            condition: args.condition,
            operator: args.operator,
            threshold: args.threshold,
            minimumSample: args.minimumSample ?? 0,
          }
        : null;
    const points = measureSeries(
      rule.condition,
      series,
      range,
      rule.windowMinutes,
      this.settleMs,
    ).map(({ at, measured }) => ({
      at: new Date(at),
      value: measured.value,
      sample: measured.sample,
      weekEarlierValue: measured.weekEarlierValue,
      crossing: judged && assess(judged, measured) === 'crossing',
    }));
    return {
      condition: args.condition,
      windowMinutes: args.windowMinutes,
      stepMinutes: SERIES_STEP_MINUTES,
      points,
    };
  }

  /** A minute's counts reach the database within a flush interval of its end. */
  private get settleMs(): number {
    return this.config.USAGE_FLUSH_MS;
  }

  private async read(rule: MeasuredRule, ranges: TimeRange[]): Promise<UsageSeries> {
    const totals = await this.periods.totals({
      environmentId: rule.environmentId,
      configKey: rule.configKey,
      ranges,
      excludeErrorCodes: NON_ERROR_CODES,
    });
    return new UsageSeries(totals);
  }
}
