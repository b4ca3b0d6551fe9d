import { ChangeAuthor } from '../../core/auth/actor';
import { Role } from '../../core/auth/role';

/** Every write that can change what a config serves: what approval policies govern. */
export enum ChangeOperation {
  CREATE_CONFIG = 'createConfig',
  UPDATE_CONFIG = 'updateConfig',
  ROLLBACK_CONFIG = 'rollbackConfig',
  ARCHIVE_CONFIG = 'archiveConfig',
  UNARCHIVE_CONFIG = 'unarchiveConfig',
  DELETE_CONFIG = 'deleteConfig',
  START_DEPLOYMENT = 'startDeployment',
  RESUME_DEPLOYMENT = 'resumeDeployment',
  ADVANCE_DEPLOYMENT = 'advanceDeployment',
  PAUSE_DEPLOYMENT = 'pauseDeployment',
  ROLLBACK_DEPLOYMENT = 'rollbackDeployment',
  STEP_DEPLOYMENT = 'deploymentStep',
  START_EXPERIMENT = 'startExperiment',
  RESUME_EXPERIMENT = 'resumeExperiment',
  PAUSE_EXPERIMENT = 'pauseExperiment',
  /** Completing an experiment without naming a winner: its variants stop, nothing else. */
  STOP_EXPERIMENT = 'completeExperiment',
  /** Completing an experiment with a winner (promoted or not). */
  COMPLETE_EXPERIMENT = 'completeExperimentWithWinner',
}

/** Writes that only make serving safer; a policy may exempt them (exemptSafetyActions). */
export const SAFETY_OPERATIONS: ReadonlySet<ChangeOperation> = new Set([
  ChangeOperation.PAUSE_DEPLOYMENT,
  ChangeOperation.ROLLBACK_DEPLOYMENT,
  ChangeOperation.PAUSE_EXPERIMENT,
  ChangeOperation.STOP_EXPERIMENT,
]);

/** What a writer is about to do, for the approval gate to clear or refuse. */
export interface WriteIntent {
  environmentId: string;
  key: string;
  operation: ChangeOperation;
  /** A person (an API key with its roles) or a system writer, named. */
  author: ChangeAuthor & { roles?: readonly Role[] };
  /** An admin's request to write without approval, with the input's comment as the reason. */
  bypass?: { comment: string | null | undefined } | null;
}

/**
 * The gate's answer that a write may go ahead: the change path refuses any write without one
 * for its environment and key. `note` goes into the history entry's comment (an admin bypass).
 */
export interface Clearance {
  readonly environmentId: string;
  readonly key: string;
  readonly note: string | null;
}

/**
 * Approval enforcement, provided by the approvals module (which needs the change path, so it
 * registers itself rather than being injected here).
 */
export abstract class ApprovalGate {
  abstract clear(intent: WriteIntent): Promise<Clearance>;
}

/** The comment a history entry records: the clearance's note (a bypass) before the writer's. */
export function clearedComment(
  clearance: Clearance,
  comment: string | null | undefined,
): string | null {
  if (!clearance.note) return comment ?? null;
  return comment ? `${clearance.note}: ${comment}` : clearance.note;
}
