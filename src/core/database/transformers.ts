import { ValueTransformer } from 'typeorm';

/** bigint columns come back from `pg` as strings; our counters stay far below 2^53. */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
