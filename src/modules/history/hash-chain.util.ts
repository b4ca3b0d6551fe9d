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
