import { Condition } from './config-state';

/** How subjects are assigned to variants (DESIGN.md, "Evaluation"; docs/experiments.md). */
export const ASSIGNMENT_TYPES = ['consistent', 'random', 'targeting'] as const;
export type AssignmentType = (typeof ASSIGNMENT_TYPES)[number];

export interface ExperimentVariant {
  key: string;
  name: string;
  /** Served as the config's value; valid for the config's type and constraints. */
  value: unknown;
  /** Percent of the traffic, a multiple of 0.01; the variants' weights sum to 100. */
  weight: number;
  /** Exactly one variant is the control. */
  control: boolean;
}

/**
 * A running experiment as the engine sees it: what the snapshot attaches to its config
 * (`StoredConfig.experiment`). Only a running experiment is attached; a paused, completed or
 * draft one is not, and the config then evaluates as if it had none.
 */
export interface RunningExperiment {
  id: string;
  key: string;
  assignment: AssignmentType;
  /** Percent of subjects that enter (salt `<key>:traffic`), a multiple of 0.01. */
  trafficPercentage: number;
  /** In order; consecutive bucket ranges by weight (salt `<key>:variant`). */
  variants: readonly ExperimentVariant[];
  /** For `targeting`: only subjects whose context matches enter. */
  targeting?: Condition | null;
  /**
   * For `random`: the stored assignments, subject (stickiness value) → variant key. Owned by the
   * snapshot, which keeps it current (assignVariant); the engine only reads it. A subject with no
   * stored assignment is not in the experiment.
   */
  assignments?: ReadonlyMap<string, string>;
}
