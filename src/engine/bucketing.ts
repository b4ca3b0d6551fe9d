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

/** Subjects up to this many UTF-8 bytes are bucketed without allocating (`SubjectWords`). */
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
 * `(h >>> 0) % BUCKETS` for a 32-bit hash `h`, in integer arithmetic: an unsigned value above
 * 2^31 is a double in JavaScript, and a double's `%` is a call to fmod, several times the cost
 * of the rest of the hash. BUCKETS is even, so u % BUCKETS = 2 * ((u >>> 1) % (BUCKETS / 2)) +
 * (u & 1), with u >>> 1 below 2^31.
 */
function unsignedBucket(h: number): number {
  return (((h >>> 1) % (BUCKETS >> 1)) << 1) | (h & 1);
}

/** MurmurHash3 x86_32's mix of a 4-byte block `k` alone; it does not depend on the state. */
function premix(k: number): number {
  k = Math.imul(k, C1);
  return Math.imul((k << 15) | (k >>> 17), C2);
}

/** `mixBlock` for a block already through `premix`. */
function mixPremixed(h: number, premixed: number): number {
  h ^= premixed;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * The last subject bucketed, its UTF-8 bytes and, per alignment (the 0-3 bytes of a salt
 * prefix that precede it in the hash's first word), its hash words. Evaluating one context
 * buckets one subject under many salts (an experiment's traffic and variant, each rule's and
 * config's rollout): the subject's words, and their half of MurmurHash3's block mix, are
 * computed once for all of them, so each salt costs only the state half. Evaluation is
 * synchronous, so one module-wide cache serves every compiled salt.
 */
class SubjectWords {
  subject: string | undefined = undefined;
  /** The subject's UTF-8 byte length; -1 when it does not fit `bytes`. */
  length = -1;
  readonly bytes = new Uint8Array(SUBJECT_BYTES);
  /** Per alignment: the generation its figures were computed for. */
  private readonly computed = new Int32Array(4).fill(-1);
  private generation = 0;
  /** Per alignment: the subject's bytes of the first word, shifted past the salt's bytes. */
  readonly first = new Int32Array(4);
  /** Per alignment: whole words (the first included), and the bytes of the tail word. */
  readonly blocks = new Int32Array(4);
  readonly rest = new Int32Array(4);
  /** Per alignment: the premixed words after the first, then the premixed tail word. */
  readonly words = [0, 1, 2, 3].map(() => new Int32Array((SUBJECT_BYTES >> 2) + 2));

  /** Makes `subject` the cached one, its bytes read; false when it is too long to cache. */
  load(subject: string): boolean {
    if (subject === this.subject) return this.length >= 0;
    this.subject = subject;
    this.generation += 1;
    this.length = -1;
    if (subject.length > SUBJECT_BYTES) return false;
    for (let i = 0; i < subject.length; i += 1) {
      const code = subject.charCodeAt(i);
      if (code >= 0x80) {
        const { read, written } = utf8.encodeInto(subject, this.bytes);
        if (read < subject.length) return false;
        this.length = written;
        return true;
      }
      this.bytes[i] = code;
    }
    this.length = subject.length;
    return true;
  }

  /** Computes alignment `a`'s figures for the loaded subject, unless done already. */
  align(a: number): void {
    if (this.computed[a] === this.generation) return;
    this.computed[a] = this.generation;
    const total = a + this.length;
    const blocks = total >> 2;
    const rest = total & 3;
    this.blocks[a] = blocks;
    this.rest[a] = rest;
    this.first[a] = this.word(a, 0, blocks > 0 ? 4 : rest);
    const words = this.words[a];
    for (let w = 1; w < blocks; w += 1) words[w] = premix(this.word(a, w, 4));
    if (blocks > 0 && rest > 0) words[blocks] = premix(this.word(a, blocks, rest));
  }

  /**
   * Word `w` (its first `count` bytes) of the stream the hash reads after the salt's whole
   * blocks: `a` bytes of the salt (left as 0 here), then the subject's bytes.
   */
  private word(a: number, w: number, count: number): number {
    let k = 0;
    for (let j = Math.max(4 * w, a); j < 4 * w + count; j += 1) {
      k |= this.bytes[j - a] << (8 * (j - 4 * w));
    }
    return k;
  }
}

const subjectWords = new SubjectWords();

/**
 * `bucketOf` for one salt, with no allocation per call and the salt hashed once: the hash's
 * state after the whole 4-byte blocks of `salt:` is kept with the 0-3 bytes left over, and
 * each call mixes in the subject's words from the shared `SubjectWords` cache (computed once
 * per subject and alignment, whatever the number of salts). Subjects too long for the cache
 * take `bucketOf`. (The package cannot resume from a state; it stays the reference, in
 * `bucketOf` and in the tests.)
 */
export function compileBucketing(salt: string): (stickinessValue: string) => number {
  const prefix = utf8.encode(`${salt}:`);
  const hashed = prefix.length & ~3;
  const state = mixBlocks(0, prefix, hashed);
  const a = prefix.length - hashed;
  let leftover = 0;
  for (let i = 0; i < a; i += 1) leftover |= prefix[hashed + i] << (8 * i);
  const cache = subjectWords;
  return (subject) => {
    if (!cache.load(subject)) return bucketOf(salt, subject);
    cache.align(a);
    const blocks = cache.blocks[a];
    const words = cache.words[a];
    let h = state;
    if (blocks > 0) {
      h = mixBlock(h, leftover | cache.first[a]);
      for (let w = 1; w < blocks; w += 1) h = mixPremixed(h, words[w]);
      if (cache.rest[a] > 0) h ^= words[blocks];
    } else if (cache.rest[a] > 0) {
      h ^= premix(leftover | cache.first[a]);
    }
    h ^= hashed + a + cache.length;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return unsignedBucket(h ^ (h >>> 16));
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
