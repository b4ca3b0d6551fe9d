import { createHash } from 'node:crypto';
import { canonicalJson } from '../../engine/canonical-json';

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
 * (JCS), so any language can recompute it. The first entry's prevHash is null, hashed as the
 * empty string.
 */
export function chainHash(prevHash: string | null, entry: ChainedEntry): string {
  return createHash('sha256')
    .update((prevHash ?? '') + canonicalJson(entry), 'utf8')
    .digest('hex');
}

/** Where an environment's chain ends: its revision and the hash of the entry at it. */
export interface ChainHead {
  revision: number;
  hash: string | null;
}

export interface ChainCheck {
  valid: boolean;
  checkedEntries: number;
  firstBrokenEntryId: string | null;
  /** Entries the head counts that are not there (deleted from the tail, or from the middle). */
  missingEntries: number;
  /** The head verified against; export it to check later that nothing was rewritten. */
  head: ChainHead;
  /** Whether the chain holds the given anchor; null when none was given. */
  anchorMatched: boolean | null;
  /** What is wrong, in words; null when valid. */
  problem: string | null;
}

export type StoredEntry = ChainedEntry & { prevHash: string | null; hash: string };

/**
 * Walks entries in revision order, up to the environment's head: each entry must come at the
 * next revision, link to the previous hash and hash to its own; the last must be the head.
 * An `anchor` (a head exported earlier, outside the database) must be in the chain too:
 * whoever can rewrite the table can recompute an unkeyed chain and its head, but not the
 * copies kept elsewhere.
 */
export async function verifyChain(
  entries: AsyncIterable<StoredEntry>,
  head: ChainHead,
  anchor?: ChainHead,
): Promise<ChainCheck> {
  let previous: string | null = null;
  let revision = 0;
  let checked = 0;
  let anchorMatched: boolean | null = anchor ? false : null;
  const result = (
    problem: string | null,
    broken: StoredEntry | null = null,
    missingEntries = 0,
  ): ChainCheck => ({
    valid: problem === null,
    checkedEntries: checked,
    firstBrokenEntryId: broken?.id ?? null,
    missingEntries,
    head,
    anchorMatched,
    problem,
  });
  for await (const entry of entries) {
    checked += 1;
    const { prevHash, hash, ...fields } = entry;
    if (entry.environmentRevision !== revision + 1) {
      return result(
        `revisions ${revision + 1} to ${entry.environmentRevision - 1} are missing`,
        entry,
        Math.max(0, entry.environmentRevision - revision - 1),
      );
    }
    if (prevHash !== previous) return result('the entry does not link to the one before', entry);
    if (chainHash(prevHash, fields) !== hash) {
      return result('the entry does not match its hash', entry);
    }
    if (anchor && anchor.revision === entry.environmentRevision) {
      anchorMatched = anchor.hash === hash;
    }
    previous = hash;
    revision = entry.environmentRevision;
  }
  if (revision !== head.revision || previous !== head.hash) {
    if (revision < head.revision) {
      return result(
        `the head is at revision ${head.revision}, the last entry at ${revision}: entries are missing at the end`,
        null,
        head.revision - revision,
      );
    }
    return result('the last entry is not the head');
  }
  if (anchor && !anchorMatched) {
    return result(`the chain does not hold the anchor at revision ${anchor.revision}`);
  }
  return result(null);
}

/**
 * The canonical JSON of an entry whose revision is not known yet, split where the revision
 * goes: `head + revision + tail` is `canonicalJson(entry)`. The change path lets PostgreSQL
 * finish the hash under the environment's row lock, in the same statement that assigns the
 * revision, so no lock is held across a round trip to the application. `written` holds
 * members' canonical JSON already written (the large ones, each in a turn of its own).
 */
export function canonicalAroundRevision(
  entry: Omit<ChainedEntry, 'environmentRevision'>,
  written: Partial<Record<keyof ChainedEntry, string>> = {},
): {
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
    else {
      const member = key as keyof typeof entry;
      parts[side] += written[member] ?? canonicalJson(entry[member]);
    }
  });
  parts.tail += '}';
  return parts;
}
