import type { ApprovalStatus, ConfigChangeKind } from '../../api/gql/graphql';

/** The three views of the inbox. */
export type InboxView = 'waiting' | 'mine' | 'all';

/** The approvals query's filter for a view of the inbox, for the key signed in. */
export function inboxFilter(
  view: InboxView,
  keyId: string,
): { reviewer?: string; requester?: string } {
  if (view === 'waiting') return { reviewer: keyId };
  if (view === 'mine') return { requester: keyId };
  return {};
}

const KIND_LABELS: Record<ConfigChangeKind, string> = {
  CREATE: 'Create',
  UPDATE: 'Change',
  ROLLBACK: 'Roll back',
  ARCHIVE: 'Archive',
  UNARCHIVE: 'Unarchive',
  DELETE: 'Delete',
  START_DEPLOYMENT: 'Start deployment',
  START_EXPERIMENT: 'Start experiment',
  COMPLETE_EXPERIMENT: 'Complete experiment',
};

export function kindLabel(kind: ConfigChangeKind): string {
  return KIND_LABELS[kind];
}

/** Badge colours dark enough for white text (contrast), never the only signal: the text says it. */
const STATUS_COLORS: Record<ApprovalStatus, string> = {
  PENDING: 'blue.9',
  APPROVED: 'teal.9',
  SCHEDULED: 'violet.9',
  APPLIED: 'green.9',
  REJECTED: 'red.9',
  CANCELLED: 'gray.8',
  STALE: 'orange.9',
  FAILED: 'red.9',
};

export function statusColor(status: ApprovalStatus): string {
  return STATUS_COLORS[status];
}

/** "2 of 3 approvals" for a level, or "done" once satisfied. */
export function levelProgress(level: {
  required: number;
  approvals: number;
  satisfied: boolean;
}): string {
  return level.satisfied ? 'approved' : `${level.approvals} of ${level.required} approvals`;
}

/** Where a request stands, in a few words: the level it waits on, or its status. */
export function standing(approval: {
  status: ApprovalStatus;
  currentLevel: number;
  levels: { name: string }[];
}): string {
  if (approval.status !== 'PENDING') return approval.status.toLowerCase();
  const level = approval.levels[approval.currentLevel];
  return `waiting on level ${approval.currentLevel + 1}${level ? ` (${level.name})` : ''}`;
}

/** An applyAt from the schedule input (a local date-time), as the API takes it; null if none. */
export function applyAtFrom(local: string): string | null {
  if (!local.trim()) return null;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}
