import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The fields of a change-log entry that its hash covers, in a language-neutral form. */
export interface ChainedEntry {
  id: string;
  environmentId: string;
  configId: string;
  configKey: string;
  action: string;
  before: unknown;
  after: unknown;
  diff: unknown;
  actorId: string | null;
  actorName: string;
  actorKind: string;
  comment: string | null;
  configVersion: number;
  environmentRevision: number;
  createdAt: string;
}

/**
 * hash = sha256(prevHash + canonical JSON of the entry), hex. Canonical JSON is RFC 8785
 * (JCS), so any language can recompute it. The first entry's prevHash is the empty string.
 */
export function chainHash(prevHash: string | null, entry: ChainedEntry): string {
  return createHash('sha256')
    .update((prevHash ?? '') + canonicalize(entry), 'utf8')
    .digest('hex');
}

export interface ChainCheck {
  valid: boolean;
  checkedEntries: number;
  firstBrokenEntryId: string | null;
}

export type StoredEntry = ChainedEntry & { prevHash: string | null; hash: string };

/** Walks entries in revision order; the first whose link or hash does not hold is broken. */
export async function verifyChain(entries: AsyncIterable<StoredEntry>): Promise<ChainCheck> {
  let previous: string | null = null;
  let checked = 0;
  for await (const entry of entries) {
    checked += 1;
    const { prevHash, hash, ...fields } = entry;
    if (prevHash !== previous || chainHash(prevHash, fields) !== hash) {
      return { valid: false, checkedEntries: checked, firstBrokenEntryId: entry.id };
    }
    previous = hash;
  }
  return { valid: true, checkedEntries: checked, firstBrokenEntryId: null };
}

/**
 * The canonical JSON of an entry whose revision is not known yet, split where the revision
 * goes: `head + revision + tail` is `canonicalize(entry)`. The change path lets PostgreSQL
 * finish the hash under the environment's row lock, in the same statement that assigns the
 * revision, so no lock is held across a round trip to the application.
 */
export function canonicalAroundRevision(entry: Omit<ChainedEntry, 'environmentRevision'>): {
  head: string;
  tail: string;
} {
  const parts = { head: '{', tail: '' };
  let side: 'head' | 'tail' = 'head';
  // RFC 8785 orders members by UTF-16 code units, which is JavaScript's default sort.
  const keys = [...Object.keys(entry), 'environmentRevision'].sort();
  keys.forEach((key, i) => {
    parts[side] += `${i > 0 ? ',' : ''}${JSON.stringify(key)}:`;
    if (key === 'environmentRevision') side = 'tail';
    else parts[side] += canonicalize(entry[key as keyof typeof entry]);
  });
  parts.tail += '}';
  return parts;
}
