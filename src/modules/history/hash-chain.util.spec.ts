import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import {
  canonicalAroundRevision,
  ChainedEntry,
  chainHash,
  StoredEntry,
  verifyChain,
} from './hash-chain.util';

function entry(overrides: Partial<ChainedEntry> = {}): ChainedEntry {
  return {
    id: '3f1c2b4e-0000-4000-8000-000000000001',
    environmentId: '3f1c2b4e-0000-4000-8000-0000000000e1',
    configId: '3f1c2b4e-0000-4000-8000-0000000000c1',
    configKey: 'checkout.banner',
    action: 'update',
    before: { value: 'off', price: '19.99' },
    after: { value: 'ön 😀', price: '20.00' },
    diff: [{ op: 'replace', path: '/value', value: 'ön 😀' }],
    actorId: null,
    actorName: 'ci',
    actorKind: 'api_key',
    comment: 'Grüße',
    configVersion: 2,
    environmentRevision: 7,
    createdAt: '2026-11-24T08:30:00.000Z',
    ...overrides,
  };
}

async function* stream(entries: StoredEntry[]): AsyncIterable<StoredEntry> {
  yield* entries;
}

function chain(length: number): StoredEntry[] {
  const entries: StoredEntry[] = [];
  let prevHash: string | null = null;
  for (let i = 1; i <= length; i += 1) {
    const fields = entry({ id: `id-${i}`, environmentRevision: i });
    const hash = chainHash(prevHash, fields);
    entries.push({ ...fields, prevHash, hash });
    prevHash = hash;
  }
  return entries;
}

describe('hash chain', () => {
  it('hashes sha256(prevHash + RFC 8785 JSON) over UTF-8', () => {
    const fields = entry();
    const expected = createHash('sha256')
      .update(Buffer.from(`abc${canonicalize(fields)}`, 'utf8'))
      .digest('hex');
    expect(chainHash('abc', fields)).toBe(expected);
    expect(chainHash(null, fields)).toBe(
      createHash('sha256').update(canonicalize(fields)!).digest('hex'),
    );
  });

  it('splits the canonical JSON exactly where the revision goes', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.jsonValue(),
        fc.string(),
        fc.option(fc.string()),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        (before, after, configKey, comment, revision) => {
          const { environmentRevision: _r, ...rest } = entry({
            before,
            after,
            configKey,
            comment,
          });
          const { head, tail } = canonicalAroundRevision(rest);
          expect(`${head}${revision}${tail}`).toBe(
            canonicalize({ ...rest, environmentRevision: revision }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('verifies an intact chain and names the first broken entry', async () => {
    const entries = chain(5);
    await expect(verifyChain(stream(entries))).resolves.toEqual({
      valid: true,
      checkedEntries: 5,
      firstBrokenEntryId: null,
    });
    const tampered = entries.map((e, i) => (i === 2 ? { ...e, comment: 'rewritten' } : e));
    await expect(verifyChain(stream(tampered))).resolves.toEqual({
      valid: false,
      checkedEntries: 3,
      firstBrokenEntryId: 'id-3',
    });
    const relinked = entries.filter((_, i) => i !== 1);
    await expect(verifyChain(stream(relinked))).resolves.toMatchObject({
      valid: false,
      firstBrokenEntryId: 'id-3',
    });
  });
});
