import { Injectable } from '@nestjs/common';

/** A stretch of time an experiment ran: from a start or resume to a pause or stop (or now). */
export interface RunningWindow {
  startedAt: Date;
  /** Null while it runs. */
  endedAt: Date | null;
}

/**
 * What exposures and events need to know of experiments: ids by key, and when each ran. The
 * experiments module provides it (its ExperimentsService); until it is wired, NoExperiments
 * knows none, so every event naming an experiment is rejected as EXPERIMENT_NOT_FOUND.
 */
export abstract class ExperimentDirectory {
  /** The ids of those keys that name an experiment of the environment (any status). */
  abstract idsByKey(environmentId: string, keys: readonly string[]): Promise<Map<string, string>>;
  /** The running windows of each experiment, by id; an experiment never started has none. */
  abstract runningWindows(ids: readonly string[]): Promise<Map<string, RunningWindow[]>>;
}

@Injectable()
export class NoExperiments extends ExperimentDirectory {
  idsByKey(): Promise<Map<string, string>> {
    return Promise.resolve(new Map());
  }

  runningWindows(): Promise<Map<string, RunningWindow[]>> {
    return Promise.resolve(new Map());
  }
}
