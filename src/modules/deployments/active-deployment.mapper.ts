import { ConfigState } from '../../engine/config-state';
import { ActiveDeployment } from '../../engine/deployment-state';

/** The columns of a stored deployment the engine needs, as a query returns them. */
export interface ActiveDeploymentRow {
  id: string;
  configKey: string;
  percentage: number | string;
  candidate: ConfigState;
}

/** SQL selecting `ActiveDeploymentRow` from table alias `d`. */
export const ACTIVE_DEPLOYMENT_COLUMNS = `d.id, d.config_key AS "configKey",
  d.current_percentage AS "percentage", d.candidate`;

/** A stored deployment as the snapshot attaches it to its config. */
export function toActiveDeployment(row: ActiveDeploymentRow): ActiveDeployment {
  return { id: row.id, percentage: Number(row.percentage), candidate: row.candidate };
}
