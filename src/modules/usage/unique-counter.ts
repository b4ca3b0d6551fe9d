/** Distinct subjects of a config (or of the whole environment) over a period. */
export interface DistinctSubjects {
  users: number;
  devices: number;
}

/** The key under which `UniqueCounter` answers for the whole environment. */
export const ENVIRONMENT_WIDE = '';

/**
 * Unique users and devices from the HyperLogLog sketches (docs/usage-metrics.md): merged over a
 * range, never summed. Periods are whole UTC hours; `to` is exclusive.
 */
export abstract class UniqueCounter {
  /** Per config key (and ENVIRONMENT_WIDE for the environment), distinct over [from, to). */
  abstract distinct(
    environmentId: string,
    keys: readonly string[],
    from: Date,
    to: Date,
  ): Promise<Map<string, DistinctSubjects>>;
}
