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
    const head = { revision: 5, hash: entries[4].hash };
    await expect(verifyChain(stream(entries), head)).resolves.toEqual({
      valid: true,
      checkedEntries: 5,
      firstBrokenEntryId: null,
      missingEntries: 0,
      head,
      anchorMatched: null,
      problem: null,
    });
    const tampered = entries.map((e, i) => (i === 2 ? { ...e, comment: 'rewritten' } : e));
    await expect(verifyChain(stream(tampered), head)).resolves.toMatchObject({
      valid: false,
      checkedEntries: 3,
      firstBrokenEntryId: 'id-3',
      problem: 'the entry does not match its hash',
    });
    const relinked = entries.filter((_, i) => i !== 1);
    await expect(verifyChain(stream(relinked), head)).resolves.toMatchObject({
      valid: false,
      firstBrokenEntryId: 'id-3',
      missingEntries: 1,
    });
  });

  it('reports entries missing at the end against the head', async () => {
    const entries = chain(5);
    const head = { revision: 5, hash: entries[4].hash };
    await expect(verifyChain(stream(entries.slice(0, 3)), head)).resolves.toMatchObject({
      valid: false,
      checkedEntries: 3,
      firstBrokenEntryId: null,
      missingEntries: 2,
      problem: 'the head is at revision 5, the last entry at 3: entries are missing at the end',
    });
    await expect(verifyChain(stream([]), head)).resolves.toMatchObject({
      valid: false,
      missingEntries: 5,
    });
    await expect(verifyChain(stream([]), { revision: 0, hash: null })).resolves.toMatchObject({
      valid: true,
    });
    await expect(
      verifyChain(stream(entries), { revision: 5, hash: entries[3].hash }),
    ).resolves.toMatchObject({ valid: false, problem: 'the last entry is not the head' });
  });

  it('checks an anchor kept outside: the chain must still hold it', async () => {
    const entries = chain(5);
    const head = { revision: 5, hash: entries[4].hash };
    const anchor = { revision: 4, hash: entries[3].hash };
    await expect(verifyChain(stream(entries), head, anchor)).resolves.toMatchObject({
      valid: true,
      anchorMatched: true,
    });
    // Rewritten from revision 3 on and recomputed, head included: only the anchor tells.
    const rewritten = entries.slice(0, 2);
    let prevHash = rewritten[1].hash;
    for (let i = 3; i <= 5; i += 1) {
      const fields = entry({ id: `forged-${i}`, environmentRevision: i, comment: 'forged' });
      const hash = chainHash(prevHash, fields);
      rewritten.push({ ...fields, prevHash, hash });
      prevHash = hash;
    }
    const forgedHead = { revision: 5, hash: prevHash };
    await expect(verifyChain(stream(rewritten), forgedHead)).resolves.toMatchObject({
      valid: true,
    });
    await expect(verifyChain(stream(rewritten), forgedHead, anchor)).resolves.toMatchObject({
      valid: false,
      anchorMatched: false,
      problem: 'the chain does not hold the anchor at revision 4',
    });
    await expect(
      verifyChain(stream(entries.slice(0, 3)), { revision: 3, hash: entries[2].hash }, anchor),
    ).resolves.toMatchObject({ valid: false, anchorMatched: false });
  });
});
