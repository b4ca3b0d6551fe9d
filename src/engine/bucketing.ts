import murmur from 'murmurhash3js-revisited';

/** Subjects fall into one of 10,000 buckets: percentages have two decimals of resolution. */
export const BUCKETS = 10_000;

// We only ever hand the hash a Uint8Array of bytes; its per-byte input check doubles the cost.
murmur.inputValidation = false;

const utf8 = new TextEncoder();

/**
 * `murmurhash3_x86_32(utf8(salt + ":" + stickinessValue), seed 0) % 10000`, the hash read as an
 * unsigned 32-bit integer. The UTF-8 bytes matter: hashing UTF-16 code units gives other
 * buckets for non-ASCII ids than every other SDK.
 */
export function bucketOf(salt: string, stickinessValue: string): number {
  return murmur.x86.hash32(utf8.encode(`${salt}:${stickinessValue}`), 0) % BUCKETS;
}

/**
 * The hash input is assembled in one reused buffer (evaluation is synchronous, so no two
 * callers share it at once), through views cached by length: bucketing a subject allocates
 * nothing. Subjects too long for it take `bucketOf`.
 */
const scratch = new Uint8Array(1024);
const views: Uint8Array[] = [];
const viewOf = (length: number) => (views[length] ??= scratch.subarray(0, length));

/** `bucketOf` for one salt, the salt's bytes encoded once. Same buckets, no allocation. */
export function compileBucketing(salt: string): (stickinessValue: string) => number {
  const prefix = utf8.encode(`${salt}:`);
  const start = prefix.length;
  const tail = scratch.subarray(start);
  return (subject) => {
    if (start + subject.length * 3 > scratch.length) return bucketOf(salt, subject);
    scratch.set(prefix);
    let length = start;
    for (let i = 0; i < subject.length; i += 1) {
      const code = subject.charCodeAt(i);
      if (code >= 0x80) {
        // Not ASCII: let the encoder produce the UTF-8 bytes.
        length = start + utf8.encodeInto(subject, tail).written;
        break;
      }
      scratch[length] = code;
      length += 1;
    }
    return murmur.x86.hash32(viewOf(length), 0) % BUCKETS;
  };
}

/** Inside percentage `p` (0-100) when bucket < p * 100; 100 holds every bucket, 0 none. */
export function isInPercentage(bucket: number, percentage: number): boolean {
  return bucket < Math.round(percentage * 100);
}
