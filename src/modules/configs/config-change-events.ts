import { Injectable } from '@nestjs/common';
import { ConfigState } from '../../engine/config-state';
import { ActiveDeployment, DeploymentStatus } from '../../engine/deployment-state';
import { RunningExperiment } from '../../engine/experiment-state';

/**
 * A committed change as every reader sees it: in this instance right after commit, and in
 * every instance through the outbox relay and pub/sub (the same JSON). `revision` is the
 * environment revision the change was given; readers drop a revision they have seen.
 */
export interface ConfigChangedEvent {
  environmentId: string;
  revision: number;
  configId: string;
  key: string;
  action: string;
  version: number;
  /** The state as committed; null when the config was deleted. */
  state: ConfigState | null;
  /** Only on an experiment's start, pause, resume or completion (the state is unchanged). */
  experiment?: ExperimentChange;
  /** Only on a deployment's start, step, pause, resume, rollback or completion. */
  deployment?: DeploymentChange;
}

/** An experiment transition: what the snapshot attaches to the config from this revision on. */
export interface ExperimentChange {
  id: string;
  key: string;
  status: string;
  /** The experiment as the engine serves it while running (no assignments); null otherwise. */
  running: Omit<RunningExperiment, 'assignments'> | null;
}

/** A deployment transition: what the snapshot attaches to the config from this revision on. */
export interface DeploymentChange {
  id: string;
  status: DeploymentStatus;
  currentStep: number;
  percentage: number;
  /** When the next step is due (ISO); null when paused or ended. */
  nextStepAt: string | null;
  /** The deployment as the engine serves it while active; null once it ended. */
  active: ActiveDeployment | null;
}

/** The pub/sub channel of an environment's change events. */
export function changesChannel(environmentId: string): string {
  return `config-changes:${environmentId}`;
}

type Listener = (change: ConfigChangedEvent) => void;

/**
 * Tells this instance's readers (the serving snapshot, subscriptions) about a change right
 * after it commits, without the writer knowing who reads; other instances get the same event
 * from the outbox relay a moment later.
 */
@Injectable()
export class ConfigChangeEvents {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change: ConfigChangedEvent): void {
    for (const listener of this.listeners) listener(change);
  }
}
