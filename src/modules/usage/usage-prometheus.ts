import { Counter, Registry } from 'prom-client';
import { UsageCount, UsageMetric } from './usage-metric.util';

/** Error codes that keep their own label; any other (SDKs may send their own) is `OTHER`. */
const KNOWN_ERROR_CODES = new Set([
  'FLAG_NOT_FOUND',
  'TYPE_MISMATCH',
  'TARGETING_KEY_MISSING',
  'PARSE_ERROR',
  'INVALID_CONTEXT',
  'PROVIDER_NOT_READY',
  'PROVIDER_FATAL',
  'GENERAL',
]);
/** Keys whose volume is tracked per environment; later ones count only towards `other`. */
const MAX_TRACKED_KEYS = 10_000;
export const OTHER = 'other';

/**
 * The usage counters at /metrics, with bounded labels: the environment; the config key only
 * for the environment's top `topKeys` by evaluations since start (the rest share `other`, and
 * at most 2 × topKeys keys ever get a label of their own); the channel or error code as
 * `dimension`, rule ids and variants only on labelled keys.
 */
export class UsagePrometheus {
  private readonly counter: Counter<'environment' | 'key' | 'metric' | 'dimension'>;
  private readonly volumes = new Map<string, Map<string, number>>();
  private readonly labelled = new Map<string, Set<string>>();
  private readonly top = new Map<string, Set<string>>();

  constructor(
    registry: Registry,
    private readonly topKeys: number,
  ) {
    this.counter = new Counter({
      name: 'config_usage_total',
      help: 'Config usage by environment, config key (top N, else "other"), metric (evaluations, targeting_match, rollout, fallthrough, default, disabled, experiment, error, refused_save, cache_hit, cache_miss) and dimension (channel, error code, rule id)',
      labelNames: ['environment', 'key', 'metric', 'dimension'],
      registers: [registry],
    });
  }

  /** Adds one interval's counts of an environment, named by its key. */
  observe(environmentId: string, environment: string, counts: readonly UsageCount[]): void {
    this.rank(environmentId, counts);
    const top = this.top.get(environmentId)!;
    for (const { configKey, metric, dimension, count } of counts) {
      const labelled = top.has(configKey);
      this.counter.inc(
        {
          environment,
          key: labelled ? configKey : OTHER,
          metric,
          dimension: dimensionLabel(metric, dimension, labelled),
        },
        count,
      );
    }
  }

  private rank(environmentId: string, counts: readonly UsageCount[]): void {
    let volumes = this.volumes.get(environmentId);
    if (!volumes) this.volumes.set(environmentId, (volumes = new Map()));
    for (const { configKey, metric, count } of counts) {
      if (metric !== UsageMetric.Evaluations && metric !== UsageMetric.RefusedSave) continue;
      const volume = volumes.get(configKey);
      if (volume !== undefined) volumes.set(configKey, volume + count);
      else if (volumes.size < MAX_TRACKED_KEYS) volumes.set(configKey, count);
    }
    let labelled = this.labelled.get(environmentId);
    if (!labelled) this.labelled.set(environmentId, (labelled = new Set()));
    const top = new Set<string>();
    const ranked = [...volumes].sort((a, b) => b[1] - a[1]).slice(0, this.topKeys);
    for (const [key] of ranked) {
      if (!labelled.has(key) && labelled.size >= 2 * this.topKeys) continue;
      labelled.add(key);
      top.add(key);
    }
    this.top.set(environmentId, top);
  }
}

function dimensionLabel(metric: UsageMetric, dimension: string, labelled: boolean): string {
  switch (metric) {
    case UsageMetric.Evaluations:
      return dimension;
    case UsageMetric.Error:
      return KNOWN_ERROR_CODES.has(dimension) ? dimension : 'OTHER';
    default:
      return labelled ? dimension : '';
  }
}
