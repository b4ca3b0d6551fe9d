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

/** Non-ASCII subjects up to this many UTF-8 bytes are bucketed without allocating. */
const SUBJECT_BYTES = 256;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** MurmurHash3 x86_32's block step: the state `h` after mixing in the 4-byte block `k`. */
function mixBlock(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = Math.imul((k << 15) | (k >>> 17), C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** The state after mixing in the whole 4-byte blocks of `bytes[0, end)`, from state `h`. */
function mixBlocks(h: number, bytes: Uint8Array, end: number): number {
  for (let i = 0; i < end; i += 4) {
    h = mixBlock(h, bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
  }
  return h;
}

/**
 * MurmurHash3 x86_32's last steps: the tail word `k` of the input's last 1-3 bytes (`rest` of
 * them; 0: none), then the length `total` in bytes and the final mix.
 */
function finishMurmur3(h: number, k: number, rest: number, total: number): number {
  if (rest > 0) {
    k = Math.imul(k, C1);
    h ^= Math.imul((k << 15) | (k >>> 17), C2);
  }
  h ^= total;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * MurmurHash3 x86_32 over `bytes[0, length)` resumed from state `h`, the hash of an input of
 * `total` bytes whose first `total - length` (a multiple of 4) gave `h`.
 */
function resumeMurmur3(h: number, bytes: Uint8Array, length: number, total: number): number {
  const i = length & ~3;
  h = mixBlocks(h, bytes, i);
  const rest = length & 3;
  let k = 0;
  if (rest > 0) k = bytes[i];
  if (rest > 1) k |= bytes[i + 1] << 8;
  if (rest > 2) k |= bytes[i + 2] << 16;
  return finishMurmur3(h, k, rest, total);
}

/**
 * `bucketOf` for one salt, with no allocation per call and the salt hashed once: the hash's
 * state after the whole 4-byte blocks of `salt:` is kept with the 0-3 bytes left over, and
 * each call hashes only those and the subject's bytes. An ASCII subject's bytes are its char
 * codes, read straight into the hash's 4-byte words (the evaluation path: no copy, no
 * encoder); others go through the UTF-8 encoder into a buffer of this salt's own, and
 * subjects too long for it take `bucketOf`. (The package cannot resume from a state; it stays
 * the reference, in `bucketOf` and in the tests.)
 */
export function compileBucketing(salt: string): (stickinessValue: string) => number {
  const prefix = utf8.encode(`${salt}:`);
  const hashed = prefix.length & ~3;
  const state = mixBlocks(0, prefix, hashed);
  const start = prefix.length - hashed;
  let leftover = 0;
  for (let i = 0; i < start; i += 1) leftover |= prefix[hashed + i] << (8 * i);
  const buffer = new Uint8Array(start + SUBJECT_BYTES);
  buffer.set(prefix.subarray(hashed));
  const tail = buffer.subarray(start);
  const encoded = (subject: string): number => {
    if (subject.length * 3 > SUBJECT_BYTES) return bucketOf(salt, subject);
    const length = start + utf8.encodeInto(subject, tail).written;
    return resumeMurmur3(state, buffer, length, hashed + length) % BUCKETS;
  };
  return (subject) => {
    let h = state;
    let k = leftover;
    let filled = start;
    for (let i = 0; i < subject.length; i += 1) {
      const code = subject.charCodeAt(i);
      if (code >= 0x80) return encoded(subject);
      k |= code << (filled << 3);
      filled += 1;
      if (filled === 4) {
        h = mixBlock(h, k);
        k = 0;
        filled = 0;
      }
    }
    return finishMurmur3(h, k, filled, prefix.length + subject.length) % BUCKETS;
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
