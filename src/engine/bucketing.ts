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

/** Subjects up to this many UTF-8 bytes are bucketed without allocating. */
const SUBJECT_BYTES = 256;

/**
 * `bucketOf` for one salt, with no allocation per call: the hash input is assembled in a
 * buffer of this salt's own that holds `salt:` once, read through views cached by length.
 * ASCII subjects are copied byte by byte; others go through the UTF-8 encoder. Longer
 * subjects take `bucketOf`.
 */
export function compileBucketing(salt: string): (stickinessValue: string) => number {
  const prefix = utf8.encode(`${salt}:`);
  const start = prefix.length;
  const buffer = new Uint8Array(start + SUBJECT_BYTES);
  buffer.set(prefix);
  const tail = buffer.subarray(start);
  const views: Uint8Array[] = [];
  return (subject) => {
    if (subject.length * 3 > SUBJECT_BYTES) return bucketOf(salt, subject);
    let length = start;
    for (let i = 0; i < subject.length; i += 1) {
      const code = subject.charCodeAt(i);
      if (code >= 0x80) {
        length = start + utf8.encodeInto(subject, tail).written;
        break;
      }
      buffer[length] = code;
      length += 1;
    }
    const view = (views[length] ??= buffer.subarray(0, length));
    return murmur.x86.hash32(view, 0) % BUCKETS;
  };
}

/** How many buckets percentage `p` (0-100, two decimals) holds: the buckets below p * 100. */
export function bucketsIn(percentage: number): number {
  return Math.round(percentage * 100);
}

/** Inside percentage `p` when bucket < p * 100; 100 holds every bucket, 0 none. */
export function isInPercentage(bucket: number, percentage: number): boolean {
  return bucket < bucketsIn(percentage);
}
