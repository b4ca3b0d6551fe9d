/**
 * The shape of a config as the engine sees it: plain JSON, no framework types. This is what
 * is validated before every save, stored in change-log snapshots, and compiled for evaluation.
 */

export const VALUE_TYPES = ['string', 'integer', 'boolean', 'decimal', 'json', 'image'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export const DEPLOYMENT_STRATEGIES = ['immediate', 'canary', 'linear', 'exponential'] as const;
export type DeploymentStrategy = (typeof DEPLOYMENT_STRATEGIES)[number];

export const OPERATORS = [
  'equals',
  'not_equals',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'matches',
  'greater_than',
  'greater_than_or_equal',
  'less_than',
  'less_than_or_equal',
  'between',
  'semver_equals',
  'semver_greater_than',
  'semver_less_than',
  'before',
  'after',
  'exists',
  'not_exists',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** A leaf: `attribute` is a dotted path into the context (`user.country`, `app.version`). */
export interface LeafCondition {
  attribute: string;
  operator: Operator;
  value?: unknown;
  values?: unknown[];
  negate?: boolean;
  ignoreCase?: boolean;
}

export interface AllCondition {
  all: Condition[];
}

export interface AnyCondition {
  any: Condition[];
}

export type Condition = AllCondition | AnyCondition | LeafCondition;

export interface TargetingRule {
  /** Stable id: part of the rule's rollout salt (`configKey:ruleId`) and its reason. */
  id: string;
  name?: string;
  condition: Condition;
  value: unknown;
  /** 0-100, at most two decimals; absent means 100. */
  rolloutPercentage?: number;
}

/** A number for integer configs, a decimal string (`"19.99"`) for decimal configs. */
export type Bound = number | string;

export interface ValueConstraints {
  minValue: Bound | null;
  maxValue: Bound | null;
  minLength: number | null;
  maxLength: number | null;
  /** RE2 syntax; the whole value must match. */
  pattern: string | null;
  allowedValues: unknown[] | null;
  /** JSON Schema 2020-12. */
  validationSchema: Record<string, unknown> | boolean | null;
}

export interface ConfigState extends ValueConstraints {
  key: string;
  description: string;
  valueType: ValueType;
  value: unknown;
  defaultValue: unknown;
  targetingRules: TargetingRule[];
  /** 0-100, at most two decimals. */
  rolloutPercentage: number;
  /** Attribute path whose value buckets subjects; null means `user.id`, then `device.id`. */
  stickiness: string | null;
  deploymentStrategy: DeploymentStrategy;
  deploymentConfig: Record<string, unknown>;
  archived: boolean;
}

/** One reason a state is refused. `path` is relative to the config: `targetingRules[1].value`. */
export interface ValidationIssue {
  path: string;
  rule: string;
  message: string;
}

/** What a new config holds unless the input says otherwise. */
export const CONFIG_DEFAULTS: Readonly<
  Omit<ConfigState, 'key' | 'valueType' | 'value' | 'defaultValue'>
> = {
  description: '',
  targetingRules: [],
  rolloutPercentage: 100,
  stickiness: null,
  minValue: null,
  maxValue: null,
  minLength: null,
  maxLength: null,
  pattern: null,
  allowedValues: null,
  validationSchema: null,
  deploymentStrategy: 'immediate',
  deploymentConfig: {},
  archived: false,
};
