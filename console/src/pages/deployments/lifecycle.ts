import type { DeploymentStatus, DeploymentStrategy } from '../../api/gql/graphql';

/** A deployment's statuses and transitions as the console shows them (docs/deployments.md). */

export const STATUS_LABELS: Record<DeploymentStatus, string> = {
  PENDING: 'pending',
  IN_PROGRESS: 'in progress',
  PAUSED: 'paused',
  COMPLETED: 'completed',
  ROLLED_BACK: 'rolled back',
  FAILED: 'failed',
};

const ACTIVE: readonly DeploymentStatus[] = ['PENDING', 'IN_PROGRESS', 'PAUSED'];

/** Active deployments serve the candidate to their share and keep the config from edits. */
export const isActive = (status: DeploymentStatus) => ACTIVE.includes(status);

export type DeploymentAction = 'pause' | 'resume' | 'advance' | 'rollback';

/** The transitions each status allows, as the server's rules have them. */
export const ACTIONS_BY_STATUS: Record<DeploymentStatus, DeploymentAction[]> = {
  PENDING: ['rollback'],
  IN_PROGRESS: ['pause', 'advance', 'rollback'],
  PAUSED: ['resume', 'rollback'],
  COMPLETED: [],
  ROLLED_BACK: [],
  FAILED: [],
};

export const ACTION_LABELS: Record<DeploymentAction, string> = {
  pause: 'Pause',
  resume: 'Resume',
  advance: 'Advance',
  rollback: 'Roll back',
};

interface Subject {
  configKey: string;
  currentStep: number;
  steps: readonly { percentage: number }[];
}

/** What the confirmation dialog says happens. */
export function actionConsequence(action: DeploymentAction, deployment: Subject): string {
  const next = deployment.steps[deployment.currentStep + 1];
  const last = deployment.currentStep + 1 === deployment.steps.length - 1;
  switch (action) {
    case 'pause':
      return `The split stays as it is and the clock stops: no further step is taken until you resume. ${deployment.configKey} cannot be edited meanwhile.`;
    case 'resume':
      return 'The deployment continues: the next step is due after the hold this step had left when it was paused.';
    case 'advance':
      return next
        ? last
          ? `The last step is taken now: everyone is served the change, which becomes ${deployment.configKey}'s new version.`
          : `The next step is taken now: ${next.percentage}% of subjects are served the change, without waiting for the rest of this step's hold.`
        : 'The deployment is at its last step.';
    case 'rollback':
      return `The deployment ends: everyone is served ${deployment.configKey}'s stable state again, at once. The change is not applied; ${deployment.configKey} can be edited again.`;
  }
}

/**
 * The message a blocked save shows, naming the deployment as the API's CONFLICT does, so the
 * person knows why Save is off and what frees it.
 */
export function blockedSaveMessage(deployment: {
  id: string;
  strategy: DeploymentStrategy;
  status: DeploymentStatus;
}): string {
  return `Deployment ${deployment.id} (${deployment.strategy.toLowerCase()}, ${STATUS_LABELS[deployment.status]}) is rolling out a change of this config. Saving is refused until it completes or is rolled back; the API answers CONFLICT naming it.`;
}

/**
 * What to tell the person when a deployment ends, by their hand or not (the last step taken
 * by time, a guard's rollback): null while it is active. Nothing else writes the config while
 * a deployment is active, so a completion makes version `fromVersion + 1`.
 */
export function endedNotice(deployment: {
  status: DeploymentStatus;
  fromVersion: number;
  rolledBackBy: string | null;
  reason: string | null;
}): string | null {
  if (deployment.status === 'COMPLETED') {
    return `Deployment completed: everyone is served the change, now version ${deployment.fromVersion + 1}.`;
  }
  if (deployment.status === 'ROLLED_BACK') {
    const why = deployment.reason ? ` Reason: “${deployment.reason}”.` : '';
    return `Rolled back by ${deployment.rolledBackBy ?? 'someone'}: everyone is served the stable state again.${why}`;
  }
  return null;
}

interface Versioned {
  id: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * The later of two readings of a config's latest deployment (a query's answer, an event's):
 * a deployment started later wins; of one deployment, the reading updated later.
 */
export function newerDeployment<T extends Versioned>(a: T | null, b: T | null): T | null {
  if (!a || !b) return a ?? b;
  if (a.id !== b.id) return Date.parse(b.createdAt) > Date.parse(a.createdAt) ? b : a;
  return Date.parse(b.updatedAt) > Date.parse(a.updatedAt) ? b : a;
}
