import { Condition } from '../../engine/config-state';
import {
  AssignmentType,
  ExperimentVariant,
  RunningExperiment,
} from '../../engine/experiment-state';

/** The columns of a stored experiment the engine needs, as a query returns them. */
export interface RunningExperimentRow {
  id: string;
  key: string;
  assignment: AssignmentType;
  trafficPercentage: number | string;
  variants: ExperimentVariant[];
  targeting: Condition | null;
}

/** SQL selecting `RunningExperimentRow` (and `config_key`) from table alias `e`. */
export const RUNNING_EXPERIMENT_COLUMNS = `e.id, e.key, e.config_key AS "configKey",
  e.assignment, e.traffic_percentage AS "trafficPercentage", e.variants, e.targeting`;

/** A stored experiment as the snapshot attaches it to its config (no assignments). */
export function toRunningExperiment(
  row: RunningExperimentRow,
): Omit<RunningExperiment, 'assignments'> {
  return {
    id: row.id,
    key: row.key,
    assignment: row.assignment,
    trafficPercentage: Number(row.trafficPercentage),
    variants: row.variants,
    targeting: row.assignment === 'targeting' ? row.targeting : null,
  };
}
