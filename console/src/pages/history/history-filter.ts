import type { ChangeAction } from '../../api/gql/graphql';

export interface HistoryFilterInput {
  configKey: string;
  actor: string;
  action: ChangeAction | null;
  /** yyyy-mm-dd from a date input, local day. */
  from: string;
  to: string;
}

function startOfDay(date: string, plusDays = 0): string {
  const d = new Date(`${date}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}

/** The API's ConfigChangeFilter: `to` includes the whole chosen day. */
export function toFilter(input: HistoryFilterInput) {
  return {
    ...(input.configKey.trim() ? { configKey: input.configKey.trim() } : {}),
    ...(input.actor.trim() ? { actor: input.actor.trim() } : {}),
    ...(input.action ? { action: input.action } : {}),
    ...(input.from ? { from: startOfDay(input.from) } : {}),
    ...(input.to ? { to: startOfDay(input.to, 1) } : {}),
  };
}

const BOOKKEEPING = new Set(['id', 'createdAt', 'updatedAt', 'updatedBy', 'version', '__typename']);

/** The members of `state` that a snapshot like `shape` records, minus bookkeeping fields. */
export function comparableState(state: unknown, shape: unknown): Record<string, unknown> {
  if (typeof state !== 'object' || state === null) return {};
  const keys =
    typeof shape === 'object' && shape !== null ? Object.keys(shape) : Object.keys(state);
  const record = state as Record<string, unknown>;
  return Object.fromEntries(
    keys.filter((k) => !BOOKKEEPING.has(k) && k in record).map((k) => [k, record[k]]),
  );
}

export interface VerificationLike {
  valid: boolean;
  checkedEntries: number;
  firstBrokenEntryId?: string | null;
  missingEntries: number;
  problem?: string | null;
}

/** What the history's integrity badge says, and the entry it leads to when the chain fails. */
export function describeVerification(v: VerificationLike): {
  label: string;
  detail: string | null;
  brokenEntryId: string | null;
} {
  if (v.valid) {
    return {
      label: `✓ history intact (${v.checkedEntries} entries)`,
      detail: null,
      brokenEntryId: null,
    };
  }
  const missing =
    v.missingEntries > 0
      ? ` ${v.missingEntries} ${v.missingEntries === 1 ? 'entry is' : 'entries are'} missing.`
      : '';
  return {
    label: '✗ history altered',
    detail: `${v.problem ?? 'The hash chain does not hold'}.${missing} Entries from the first broken one on may have been changed outside the service: compare them with your exported anchors and backups.`,
    brokenEntryId: v.firstBrokenEntryId ?? null,
  };
}
