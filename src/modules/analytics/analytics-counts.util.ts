import { UsageChannel, UsageMetric } from '../usage/usage-metric.util';
import { AnalyticsCounts, AnalyticsDimensionCount } from './dto/config-analytics.payload';

/** numerator / denominator, 0 when the denominator is 0. */
export function rate(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Sums usage rows (metric, dimension, count) into the counters and rates of one period. */
export class CountsBuilder {
  private readonly channels = { graphql: 0, ofrep: 0, subscription: 0, sdk: 0 };
  private readonly byRule = new Map<string, number>();
  private readonly byCode = new Map<string, number>();
  private readonly plain = new Map<string, number>();

  add(metric: string, dimension: string, count: number): void {
    switch (metric) {
      case UsageMetric.Evaluations:
        if (dimension in this.channels) this.channels[dimension as UsageChannel] += count;
        break;
      case UsageMetric.TargetingMatch:
        this.byRule.set(dimension, (this.byRule.get(dimension) ?? 0) + count);
        break;
      case UsageMetric.Error:
        this.byCode.set(dimension, (this.byCode.get(dimension) ?? 0) + count);
        break;
      default:
        this.plain.set(metric, (this.plain.get(metric) ?? 0) + count);
    }
  }

  /** Adds another builder's counts (a range's totals from its points). */
  addAll(other: CountsBuilder): void {
    for (const [channel, count] of Object.entries(other.channels))
      this.add(UsageMetric.Evaluations, channel, count);
    for (const [rule, count] of other.byRule) this.add(UsageMetric.TargetingMatch, rule, count);
    for (const [code, count] of other.byCode) this.add(UsageMetric.Error, code, count);
    for (const [metric, count] of other.plain) this.add(metric, '', count);
  }

  build(): AnalyticsCounts {
    const c = this.channels;
    const evaluations = c.graphql + c.ofrep + c.subscription + c.sdk;
    const targetingMatches = sum(this.byRule);
    const errors = sum(this.byCode);
    const of = (metric: UsageMetric) => this.plain.get(metric) ?? 0;
    const cacheHits = of(UsageMetric.CacheHit);
    const cacheMisses = of(UsageMetric.CacheMiss);
    const rolloutReceipts = of(UsageMetric.Rollout);
    return {
      evaluations,
      evaluationsByChannel: { ...c },
      targetingMatches,
      targetingMatchesByRule: largestFirst(this.byRule),
      rolloutReceipts,
      fallthroughs: of(UsageMetric.Fallthrough),
      defaults: of(UsageMetric.Default),
      disabled: of(UsageMetric.Disabled),
      errors,
      errorsByCode: largestFirst(this.byCode),
      refusedSaves: of(UsageMetric.RefusedSave),
      cacheHits,
      cacheMisses,
      cacheHitRate: rate(cacheHits, cacheHits + cacheMisses),
      targetingMatchRate: rate(targetingMatches, evaluations),
      rolloutReceiveRate: rate(rolloutReceipts, evaluations),
      errorRate: rate(errors, evaluations),
    };
  }
}

function sum(counts: Map<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

function largestFirst(counts: Map<string, number>): AnalyticsDimensionCount[] {
  return [...counts]
    .map(([dimension, count]) => ({ dimension, count }))
    .sort((a, b) => b.count - a.count || (a.dimension < b.dimension ? -1 : 1));
}
