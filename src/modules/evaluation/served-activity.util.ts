import { ConfigState } from '../../engine/config-state';
import { ACTIVE_DEPLOYMENT_STATUSES, DeploymentStatus } from '../../engine/deployment-state';
import { isPlainObject } from '../../engine/validate/issues';
import { ChangeAction, ConfigChangeLog } from '../history/config-change-log.entity';

/**
 * What else decided a config's answer at a past time, read from the history's side entries:
 * the deployment active then (evaluation step 4) and the experiment running then (step 3).
 * DeploymentsService and ExperimentsService write these entries; docs/explain-served.md.
 */

/** A deployment's life in the history: start, steps, pause, resume, then rollback or completion. */
export const DEPLOYMENT_ACTIONS: readonly ChangeAction[] = [
  ChangeAction.DEPLOYMENT_STARTED,
  ChangeAction.DEPLOYMENT_STEP,
  ChangeAction.DEPLOYMENT_PAUSED,
  ChangeAction.DEPLOYMENT_RESUMED,
  ChangeAction.DEPLOYMENT_ROLLED_BACK,
  ChangeAction.DEPLOYMENT_COMPLETED,
];

/** An experiment's starts and resumes, pauses and completion. */
export const EXPERIMENT_ACTIONS: readonly ChangeAction[] = [
  ChangeAction.EXPERIMENT_STARTED,
  ChangeAction.EXPERIMENT_STOPPED,
];

/** A deployment as one of its entries left it (`after.deployment`). */
export interface DeploymentAsRecorded {
  id: string;
  status: DeploymentStatus;
  /** Index of its step in the schedule. */
  step: number;
  percentage: number;
}

/**
 * The deployment an entry (the newest of the key's `DEPLOYMENT_ACTIONS` at a time) leaves
 * active on config `configId`, or null: none recorded, ended (rolled back; a completion
 * records the config's new state, not a deployment), or of an earlier config of that key.
 * Steps record their percentage, so the entry in force is exact for the time: the schedule's
 * planned step times are not (a step may be taken late, early or while paused).
 */
export function activeDeploymentOf(
  entry: ConfigChangeLog | null,
  configId: string,
): DeploymentAsRecorded | null {
  const recorded = entry?.after?.deployment;
  if (entry?.configId !== configId || !isPlainObject(recorded)) return null;
  const { id, status, step, percentage } = recorded;
  if (
    typeof id !== 'string' ||
    !ACTIVE_DEPLOYMENT_STATUSES.includes(status as DeploymentStatus) ||
    typeof percentage !== 'number'
  ) {
    return null;
  }
  return {
    id,
    status: status as DeploymentStatus,
    step: typeof step === 'number' ? step : 0,
    percentage,
  };
}

/**
 * The candidate state a deployment's start entry recorded, when `entry` is the start of
 * deployment `id`; undefined otherwise.
 */
export function startedCandidate(
  entry: ConfigChangeLog | null,
  id: string,
): ConfigState | undefined {
  const recorded = entry?.after?.deployment;
  if (entry?.action !== ChangeAction.DEPLOYMENT_STARTED || !isPlainObject(recorded)) {
    return undefined;
  }
  return recorded.id === id && isPlainObject(recorded.candidate)
    ? (recorded.candidate as unknown as ConfigState)
    : undefined;
}

/**
 * The key of the experiment an entry (the newest of the key's `EXPERIMENT_ACTIONS` at a time)
 * leaves running on config `configId`, or null: a pause or completion, or none recorded.
 */
export function runningExperimentKeyOf(
  entry: ConfigChangeLog | null,
  configId: string,
): string | null {
  const recorded = entry?.after?.experiment;
  if (entry?.configId !== configId || !isPlainObject(recorded)) return null;
  return recorded.status === 'running' && typeof recorded.key === 'string' ? recorded.key : null;
}
