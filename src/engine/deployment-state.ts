import { ConfigState, DeploymentStrategy } from './config-state';

/**
 * Progressive deployments as the engine sees them (DESIGN.md, "Evaluation", step 4;
 * docs/deployments.md). A deployment carries a candidate state and serves it to a growing
 * share of subjects while everyone else keeps the stable state (the config's own).
 */

/** Every status a deployment passes through; `pending`, `in_progress` and `paused` are active. */
export const DEPLOYMENT_STATUSES = [
  'pending',
  'in_progress',
  'paused',
  'completed',
  'rolled_back',
  'failed',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export const ACTIVE_DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = [
  'pending',
  'in_progress',
  'paused',
];

/**
 * One step of a deployment's schedule, computed up front and stored: serve the candidate to
 * `percentage` of subjects, then wait `holdSeconds` before the next step (0 on the last).
 */
export interface DeploymentStep {
  /** 0-100, at most two decimals; strictly increasing along the schedule, the last is 100. */
  percentage: number;
  holdSeconds: number;
}

/** A strategy with its parameters, as `startDeployment` and `deploymentConfig` carry them. */
export interface DeploymentPlan {
  strategy: DeploymentStrategy;
  parameters: Record<string, unknown>;
}

/**
 * An active deployment attached to its config in the snapshot (`StoredConfig.deployment`).
 * Subjects with `bucket("<configKey>:<id>") < percentage * 100` are evaluated on `candidate`,
 * the rest on the config's stable state; 100 takes everyone, 0 no one, and a subject without a
 * stickiness value (the stable state's stickiness) stays on the stable state. Only an active
 * deployment is attached; a completed one has already become the config's state.
 */
export interface ActiveDeployment {
  id: string;
  percentage: number;
  candidate: ConfigState;
}
