import { CONFIG_DEFAULTS, ConfigState } from '../src/engine/config-state';
// The workload of `npm run bench:engine` and the comparison engines, each given the same rule
// in its own format and its contexts in its own native form, prebuilt before any timing.
import { once } from 'node:events';
import { FlagdCore } from '@openfeature/flagd-core';
import { GrowthBookClient, type FeatureDefinition, type UserContext } from '@growthbook/growthbook';
import { InMemStorageProvider, Unleash, type Context as UnleashContext } from 'unleash-client';
import type { FeatureInterface } from 'unleash-client/lib/feature';
import type { Constraint } from 'unleash-client/lib/strategy/strategy';

/** One config: its key and the three countries of its rule's first branch. */
export interface BenchConfig {
  key: string;
  countries: string[];
}

/** One evaluation subject, engine-neutral; each engine builds its own context from it. */
export interface Subject {
  userId: string;
  deviceId: string;
  country: string;
  plan: string;
  age: number;
  os: string;
}

/** The share of matched pairs each rule serves its value to. */
export const ROLLOUT_PERCENT = 25;

/**
 * An engine under test. `round` is the timed loop: every config for each of the first
 * `contexts` subjects, counting how many were served the rule's value (returned, so the JIT
 * cannot drop the work). `served` and `matched` are the untimed correctness check: whether
 * the rule's value was served, and whether the targeting condition held (asked of a copy of
 * the flags at a 100% rollout, so it is the engine's own condition evaluation).
 */
export interface Engine {
  name: string;
  contexts: number;
  round(): number;
  served(config: number, subject: number): boolean;
  matched(config: number, subject: number): boolean;
  /** Releases what the engine holds, if anything. */
  close?(): void;
}

/** mulberry32: a tiny seeded PRNG, so every run draws the same workload. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'JP', 'BR'];
const PLANS = ['free', 'pro', 'team'];
// "iPadOS" and "macos" hold "OS"/"os" but not "ios": the contains test is case-sensitive.
const OSES = ['ios 17.2', 'ios 16.7', 'android 14', 'android 13', 'iPadOS 17.1', 'macos 14'];

/** Our config for the rule: its value (true) to `percent`% of matches, else the default. */
export function benchConfigState(
  { key, countries }: BenchConfig,
  percent = ROLLOUT_PERCENT,
): ConfigState {
  return {
    ...CONFIG_DEFAULTS,
    key,
    valueType: 'boolean',
    value: true,
    defaultValue: false,
    // No one outside the rule gets the value: non-matching contexts get DEFAULT.
    rolloutPercentage: 0,
    targetingRules: [
      {
        id: 'r1',
        condition: {
          any: [
            {
              all: [
                { attribute: 'user.country', operator: 'in', values: countries },
                { attribute: 'user.plan', operator: 'equals', value: 'pro' },
              ],
            },
            {
              all: [
                { attribute: 'user.age', operator: 'greater_than', value: 30 },
                { attribute: 'device.os', operator: 'contains', value: 'ios' },
              ],
            },
          ],
        },
        value: true,
        rolloutPercentage: percent,
      },
    ],
  };
}

/**
 * `configs` configs, each with three distinct countries, and `subjects` subjects; about 37%
 * of the pairs match: (3/10 countries x 1/3 pro) or (40/53 ages over 30 x 2/6 ios).
 */
export function buildWorkload(
  configs: number,
  subjects: number,
): { configs: BenchConfig[]; subjects: Subject[] } {
  const random = mulberry32(20_240_501);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const benchConfigs = Array.from({ length: configs }, (_, i) => {
    const countries = new Set<string>();
    while (countries.size < 3) countries.add(pick(COUNTRIES));
    return { key: `bench.engine.${i}`, countries: [...countries] };
  });
  const benchSubjects = Array.from({ length: subjects }, (_, i) => ({
    userId: `user-${i}`,
    deviceId: `device-${i}`,
    country: pick(COUNTRIES),
    plan: pick(PLANS),
    age: 18 + Math.floor(random() * 53),
    os: pick(OSES),
  }));
  return { configs: benchConfigs, subjects: benchSubjects };
}

// ---------------------------------------------------------------------------------------------
// flagd-core: one FlagdCore holding all flags; json-logic targeting, `fractional` bucketing.
// ---------------------------------------------------------------------------------------------

/**
 * `fractional` without a bucketing expression hashes `$flagd.flagKey + targetingKey`, and the
 * OpenFeature targeting key is the user id: the 25% rollout is on `user.id`.
 */
function flagdConfiguration(configs: BenchConfig[], percent: number): string {
  const flags: Record<string, unknown> = {};
  for (const { key, countries } of configs) {
    const condition = {
      or: [
        {
          and: [
            { in: [{ var: 'user.country' }, countries] },
            { '==': [{ var: 'user.plan' }, 'pro'] },
          ],
        },
        {
          and: [
            { '>': [{ var: 'user.age' }, 30] },
            // json-logic `in` with a string second operand is a substring test.
            { in: ['ios', { var: 'device.os' }] },
          ],
        },
      ],
    };
    const rollout =
      percent >= 100
        ? 'on'
        : {
            fractional: [
              ['on', percent],
              ['off', 100 - percent],
            ],
          };
    flags[key] = {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: { if: [condition, rollout, 'off'] },
    };
  }
  return JSON.stringify({ flags });
}

export function flagdEngine(configs: BenchConfig[], subjects: Subject[], contexts: number): Engine {
  const core = new FlagdCore();
  core.setConfigurations(flagdConfiguration(configs, ROLLOUT_PERCENT));
  const everyone = new FlagdCore();
  everyone.setConfigurations(flagdConfiguration(configs, 100));
  const keys = configs.map((c) => c.key);
  const evalContexts = subjects.slice(0, contexts).map((s) => ({
    targetingKey: s.userId,
    user: { id: s.userId, country: s.country, plan: s.plan, age: s.age },
    device: { id: s.deviceId, os: s.os },
  }));
  return {
    name: 'flagd-core',
    contexts,
    round() {
      let served = 0;
      for (const context of evalContexts) {
        for (const key of keys) {
          if (core.resolveBooleanEvaluation(key, false, context).value) served += 1;
        }
      }
      return served;
    },
    served: (config, subject) =>
      core.resolveBooleanEvaluation(keys[config], false, evalContexts[subject]).value,
    matched: (config, subject) =>
      everyone.resolveBooleanEvaluation(keys[config], false, evalContexts[subject]).value,
  };
}

// ---------------------------------------------------------------------------------------------
// GrowthBook: the multi-user GrowthBookClient, one force rule per feature with a coverage.
// ---------------------------------------------------------------------------------------------

function growthbookFeatures(
  configs: BenchConfig[],
  coverage: number | undefined,
): Record<string, FeatureDefinition> {
  const features: Record<string, FeatureDefinition> = {};
  for (const { key, countries } of configs) {
    features[key] = {
      defaultValue: false,
      rules: [
        {
          // Conditions read dotted paths into nested attributes (mongrule getPath).
          condition: {
            $or: [
              { 'user.country': { $in: countries }, 'user.plan': 'pro' },
              { 'user.age': { $gt: 30 }, 'device.os': { $regex: 'ios' } },
            ],
          },
          force: true,
          // hashAttribute is a top-level attribute name, not a path: the contexts carry the
          // user id flattened as `id` too. Without a coverage the rule takes everyone.
          ...(coverage === undefined ? {} : { coverage, hashAttribute: 'id' }),
        },
      ],
    };
  }
  return features;
}

/**
 * The server-side GrowthBookClient evaluates with a prebuilt UserContext per subject:
 * `client.evalFeature(key, userContext)`. We chose it over one legacy `GrowthBook` instance
 * per subject or `setAttributes` per subject: it is the API the SDK documents for servers, it
 * needs no instance per user, and a bare `{ attributes }` context skips the per-user
 * feature-usage tracking (a JSON.stringify per evaluation) that scoped instances do.
 */
export function growthbookEngine(
  configs: BenchConfig[],
  subjects: Subject[],
  contexts: number,
): Engine {
  // No clientKey, no streaming, no polling interval: initSync never touches the network.
  const client = new GrowthBookClient().initSync({
    payload: { features: growthbookFeatures(configs, ROLLOUT_PERCENT / 100) },
  });
  const everyone = new GrowthBookClient().initSync({
    payload: { features: growthbookFeatures(configs, undefined) },
  });
  const keys = configs.map((c) => c.key);
  const userContexts: UserContext[] = subjects.slice(0, contexts).map((s) => ({
    attributes: {
      id: s.userId,
      user: { id: s.userId, country: s.country, plan: s.plan, age: s.age },
      device: { id: s.deviceId, os: s.os },
    },
  }));
  return {
    name: 'growthbook',
    contexts,
    round() {
      let served = 0;
      for (const userContext of userContexts) {
        for (const key of keys) {
          if (client.evalFeature(key, userContext).on) served += 1;
        }
      }
      return served;
    },
    served: (config, subject) => client.evalFeature(keys[config], userContexts[subject]).on,
    matched: (config, subject) => everyone.evalFeature(keys[config], userContexts[subject]).on,
  };
}

// ---------------------------------------------------------------------------------------------
// Unleash: two flexibleRollout strategies (constraints ANDed within one, strategies ORed).
// ---------------------------------------------------------------------------------------------

function unleashFeatures(configs: BenchConfig[], percent: number): FeatureInterface[] {
  const constraint = (contextName: string, operator: string, values: string[], value?: string) =>
    ({ contextName, operator, values, value, inverted: false }) as Constraint;
  return configs.map(({ key, countries }) => {
    // Both strategies hash `groupId:userId` alike, so a subject is in both rollouts or neither:
    // the served share of matched pairs stays 25%.
    const parameters = { rollout: String(percent), stickiness: 'userId', groupId: key };
    return {
      name: key,
      enabled: true,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters,
          constraints: [constraint('country', 'IN', countries), constraint('plan', 'IN', ['pro'])],
        },
        {
          name: 'flexibleRollout',
          parameters,
          constraints: [
            constraint('age', 'NUM_GT', [], '30'),
            constraint('os', 'STR_CONTAINS', ['ios']),
          ],
        },
      ],
    };
  });
}

/**
 * An Unleash client that never touches the network: bootstrapped from data, in-memory
 * storage instead of the backup file, metrics off, and `refreshInterval: 0`, with which the
 * polling fetcher returns before any request. The `url` is required but never used.
 */
async function offlineUnleash(features: FeatureInterface[]): Promise<Unleash> {
  const unleash = new Unleash({
    appName: 'bench-engine',
    url: 'http://unleash.invalid/api/',
    refreshInterval: 0,
    disableMetrics: true,
    bootstrap: { data: features },
    storageProvider: new InMemStorageProvider(),
  });
  unleash.on('error', (error: unknown) => console.error('unleash:', error));
  await once(unleash, 'ready');
  return unleash;
}

export async function unleashEngine(
  configs: BenchConfig[],
  subjects: Subject[],
  contexts: number,
): Promise<Engine> {
  const unleash = await offlineUnleash(unleashFeatures(configs, ROLLOUT_PERCENT));
  const everyone = await offlineUnleash(unleashFeatures(configs, 100));
  const keys = configs.map((c) => c.key);
  // Unleash contexts are flat: custom fields go under `properties`, as strings.
  const unleashContexts: UnleashContext[] = subjects.slice(0, contexts).map((s) => ({
    userId: s.userId,
    properties: { country: s.country, plan: s.plan, age: String(s.age), os: s.os },
  }));
  return {
    name: 'unleash-client',
    contexts,
    round() {
      let served = 0;
      for (const context of unleashContexts) {
        for (const key of keys) {
          if (unleash.isEnabled(key, context)) served += 1;
        }
      }
      return served;
    },
    served: (config, subject) => unleash.isEnabled(keys[config], unleashContexts[subject]),
    matched: (config, subject) => everyone.isEnabled(keys[config], unleashContexts[subject]),
    close() {
      unleash.destroy();
      everyone.destroy();
    },
  };
}
