import fc from 'fast-check';
import vectors from '../../test/fixtures/bucketing-vectors.json';
import { bucketOf, BUCKETS, compileBucketing, isInPercentage } from './bucketing';

/**
 * A second MurmurHash3 x86_32, written from the reference C++ and kept here only to check
 * the package we ship: it reads the UTF-8 bytes of the input through Node's Buffer.
 */
function referenceMurmur3(bytes: Buffer, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = bytes.length - (bytes.length % 4);
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes.readUInt32LE(i);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = bytes.length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2] << 16;
    if (tail >= 2) k ^= bytes[blocks + 1] << 8;
    k ^= bytes[blocks];
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const referenceBucket = (salt: string, id: string) =>
  referenceMurmur3(Buffer.from(`${salt}:${id}`, 'utf8')) % BUCKETS;

describe('bucketing', () => {
  it('matches the published MurmurHash3 x86_32 vectors in the reference implementation', () => {
    expect(referenceMurmur3(Buffer.from(''))).toBe(0);
    expect(referenceMurmur3(Buffer.from('hello'))).toBe(0x248bfa47);
    expect(referenceMurmur3(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(
      0x2e4ff723,
    );
  });

  it('agrees with the committed vectors, and so does the independent implementation', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(1000);
    expect(vectors.some((v) => [...v.id].some((c) => c.codePointAt(0)! > 0x7f))).toBe(true);
    for (const { salt, id, bucket } of vectors) {
      expect([salt, id, bucketOf(salt, id)]).toEqual([salt, id, bucket]);
      expect([salt, id, referenceBucket(salt, id)]).toEqual([salt, id, bucket]);
      expect([salt, id, compileBucketing(salt)(id)]).toEqual([salt, id, bucket]);
    }
  });

  it('hashes UTF-8 bytes, not UTF-16 code units', () => {
    const utf16Hash = (s: string) => referenceMurmur3(Buffer.from(s, 'utf16le')) % BUCKETS;
    expect(bucketOf('salt', 'Jürgen')).toBe(referenceBucket('salt', 'Jürgen'));
    expect(bucketOf('salt', 'Jürgen')).not.toBe(utf16Hash('salt:Jürgen'));
  });

  it('agrees with the independent implementation on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (salt, id) => {
        expect(bucketOf(salt, id)).toBe(referenceBucket(salt, id));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same buckets through the compiled, allocation-free path', () => {
    const long = 'x'.repeat(5000);
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.array(
          fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constant(long), fc.constant('')),
          { maxLength: 5 },
        ),
        (salt, ids) => {
          const bucket = compileBucketing(salt);
          // Interleaved salts: each keeps its own buffer and cached views.
          const other = compileBucketing(`${salt}-other`);
          for (const id of ids) {
            expect(bucket(id)).toBe(referenceBucket(salt, id));
            expect(other(id)).toBe(referenceBucket(`${salt}-other`, id));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('buckets a subject under salts of every alignment, subjects interleaved', () => {
    // Salts of 4 lengths leave 0-3 bytes after their whole blocks: the subject's bytes start
    // at each offset of the hash's 4-byte words.
    const salts = ['a', 'ab', 'abc', 'abcd', 'exp-42:traffic', 'exp-42:variant'];
    const compiled = salts.map((salt) => [salt, compileBucketing(salt)] as const);
    // The cache of a subject's words: one ASCII subject exactly at its size, non-ASCII ones at
    // and past it (200 characters but 600 bytes), and one past it in characters.
    const subjects = ['', 'x', 'xy', 'xyz', 'user', 'user-1', 'user-12', 'user-123456', 'é', 'u1'];
    subjects.push('u'.repeat(256), 'é'.repeat(128), '€'.repeat(200), 'v'.repeat(257));
    for (const subject of [...subjects, ...subjects.reverse()]) {
      for (const [salt, bucket] of compiled) {
        expect([salt, subject, bucket(subject)]).toEqual([
          salt,
          subject,
          referenceBucket(salt, subject),
        ]);
        expect(bucket('other')).toBe(referenceBucket(salt, 'other'));
        expect(bucket(subject)).toBe(referenceBucket(salt, subject));
      }
    }
  });

  it('only adds subjects when a percentage rises', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: 0, max: 10000 }),
        fc.integer({ min: 0, max: 10000 }),
        (id, a, b) => {
          const [low, high] = a <= b ? [a / 100, b / 100] : [b / 100, a / 100];
          const bucket = bucketOf('monotonic', id);
          if (isInPercentage(bucket, low)) expect(isInPercentage(bucket, high)).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('includes everyone at 100 and no one at 0', () => {
    for (const bucket of [0, 1, 5000, 9999]) {
      expect(isInPercentage(bucket, 100)).toBe(true);
      expect(isInPercentage(bucket, 0)).toBe(false);
    }
  });

  it.each([1, 5, 25, 33.33, 50, 99.5])(
    'puts %s%% of 100,000 ids inside, within ±1%%',
    (percentage) => {
      let inside = 0;
      for (let i = 0; i < 100_000; i += 1) {
        if (isInPercentage(bucketOf('distribution', `user-${i}`), percentage)) inside += 1;
      }
      expect(Math.abs(inside / 1000 - percentage)).toBeLessThanOrEqual(1);
    },
  );
});
