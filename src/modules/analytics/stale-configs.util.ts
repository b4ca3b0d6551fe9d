import { canonicalJson } from '../../engine/canonical-json';
import { TargetingRule } from '../../engine/config-state';

/** What decides whether a config serves one value to everyone. */
export interface ServedPaths {
  value: unknown;
  defaultValue: unknown;
  rolloutPercentage: number;
  targetingRules: readonly TargetingRule[];
}

/**
 * True when every path of the config serves the same value: each rule that can match (its
 * rollout above 0) serves it, and so does the fallthrough: `value` at a rollout of 100,
 * `defaultValue` at 0, either when both are equal. Archived configs are not asked (they
 * serve `defaultValue` to everyone by design).
 */
export function servesOneValue(config: ServedPaths): boolean {
  const served = new Set<string>();
  const add = (value: unknown) => served.add(canonicalJson(value ?? null) ?? 'null');
  for (const rule of config.targetingRules) {
    if ((rule.rolloutPercentage ?? 100) > 0) add(rule.value);
  }
  if (config.rolloutPercentage > 0) add(config.value);
  if (config.rolloutPercentage < 100) add(config.defaultValue);
  return served.size === 1;
}
