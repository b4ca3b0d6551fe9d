/** The pub/sub channel on which the aggregation job shares running experiments' live counts. */
export const EXPERIMENT_COUNTS_CHANNEL = 'experiment-counts';

/** A running experiment's exposures per variant, as the aggregates hold them. */
export interface ExperimentCountsMessage {
  environmentId: string;
  experimentId: string;
  experimentKey: string;
  exposures: { variantKey: string; exposures: number }[];
}
