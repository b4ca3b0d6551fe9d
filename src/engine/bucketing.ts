import { x86 } from 'murmurhash3js-revisited';

/** Subjects fall into one of 10,000 buckets: percentages have two decimals of resolution. */
export const BUCKETS = 10_000;

const utf8 = new TextEncoder();

/**
 * `murmurhash3_x86_32(utf8(salt + ":" + stickinessValue), seed 0) % 10000`, the hash read as an
 * unsigned 32-bit integer. The UTF-8 bytes matter: hashing UTF-16 code units gives other
 * buckets for non-ASCII ids than every other SDK.
 */
export function bucketOf(salt: string, stickinessValue: string): number {
  return x86.hash32(utf8.encode(`${salt}:${stickinessValue}`), 0) % BUCKETS;
}

/** Inside percentage `p` (0-100) when bucket < p * 100; 100 holds every bucket, 0 none. */
export function isInPercentage(bucket: number, percentage: number): boolean {
  return bucket < Math.round(percentage * 100);
}
