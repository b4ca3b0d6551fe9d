import { grantsAny, Role } from '../../core/auth/role';
import { ValidationIssue } from '../../core/errors/app-error';
import { ApprovalLevelSpec } from './approval-policy.entity';
import { ApprovalStatus } from './config-approval.entity';

/** The longest an approved change may wait for its applyAt. */
export const MAX_APPLY_DELAY_MS = 365 * 24 * 60 * 60 * 1000;

export interface ReviewFacts {
  round: number;
  level: number;
  reviewerPerson: string;
  decision: 'approve' | 'reject';
}

/** Approvals at a level of a round, counted by person (two keys of one owner count once). */
export function approvalsAt(reviews: readonly ReviewFacts[], round: number, level: number): number {
  return new Set(
    reviews
      .filter((r) => r.round === round && r.level === level && r.decision === 'approve')
      .map((r) => r.reviewerPerson),
  ).size;
}

/** Whether a key may review at a level: listed by id, or an approver where any may. */
export function mayReviewAt(
  level: ApprovalLevelSpec,
  key: { id: string; roles: readonly Role[] },
): boolean {
  return (
    level.approverKeyIds.includes(key.id) ||
    (level.anyApprover && grantsAny(key.roles, [Role.APPROVER]))
  );
}

export interface Progress {
  status: ApprovalStatus;
  currentLevel: number;
}

/**
 * Where a pending request stands after a review at its current level: rejected (when a
 * rejection closes it), on to the next level once this one has its approvals, or — the last
 * level satisfied — approved, or scheduled when its applyAt is still ahead.
 */
export function progressAfter(
  request: {
    levels: readonly ApprovalLevelSpec[];
    currentLevel: number;
    round: number;
    rejectionCloses: boolean;
    applyAt: Date | null;
  },
  reviews: readonly ReviewFacts[],
  now: Date,
): Progress {
  const last = reviews[reviews.length - 1];
  if (last?.decision === 'reject' && request.rejectionCloses) {
    return { status: ApprovalStatus.REJECTED, currentLevel: request.currentLevel };
  }
  let level = request.currentLevel;
  while (
    level < request.levels.length &&
    approvalsAt(reviews, request.round, level) >= request.levels[level].required
  ) {
    level += 1;
  }
  if (level < request.levels.length) return { status: ApprovalStatus.PENDING, currentLevel: level };
  const waiting = request.applyAt !== null && request.applyAt > now;
  return {
    status: waiting ? ApprovalStatus.SCHEDULED : ApprovalStatus.APPROVED,
    currentLevel: request.levels.length - 1,
  };
}

/** An applyAt must lie ahead, and at most a year ahead. */
export function applyAtIssue(applyAt: Date | null | undefined, now: Date): ValidationIssue | null {
  if (!applyAt) return null;
  if (applyAt.getTime() <= now.getTime()) {
    return { path: 'input.applyAt', rule: 'future', message: 'must be in the future' };
  }
  if (applyAt.getTime() - now.getTime() > MAX_APPLY_DELAY_MS) {
    return { path: 'input.applyAt', rule: 'max', message: 'must be at most a year ahead' };
  }
  return null;
}
