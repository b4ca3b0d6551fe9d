import { Role } from '../../core/auth/role';
import {
  applyAtIssue,
  approvalsAt,
  mayReviewAt,
  progressAfter,
  ReviewFacts,
} from './approval-progress.util';
import { ApprovalStatus } from './config-approval.entity';

const levels = [
  { name: 'Team', approverKeyIds: ['a', 'b', 'c'], anyApprover: false, required: 2 },
  { name: 'Owners', approverKeyIds: ['d'], anyApprover: true, required: 1 },
];
const now = new Date('2030-01-01T00:00:00Z');
const request = { levels, currentLevel: 0, round: 1, rejectionCloses: true, applyAt: null };

function review(
  level: number,
  reviewerPerson: string,
  decision: 'approve' | 'reject' = 'approve',
  round = 1,
): ReviewFacts {
  return { round, level, reviewerPerson, decision };
}

describe('approval progress', () => {
  it('counts approvals by person, in the round and level asked', () => {
    const reviews = [
      review(0, 'p1'),
      review(0, 'p1'),
      review(0, 'p2', 'reject'),
      review(0, 'p3', 'approve', 0),
    ];
    expect(approvalsAt(reviews, 1, 0)).toBe(1);
    expect(approvalsAt(reviews, 0, 0)).toBe(1);
    expect(approvalsAt(reviews, 1, 1)).toBe(0);
  });

  it('stays at a level until it has its approvals, then moves on, then approves', () => {
    expect(progressAfter(request, [review(0, 'p1')], now)).toEqual({
      status: ApprovalStatus.PENDING,
      currentLevel: 0,
    });
    const two = [review(0, 'p1'), review(0, 'p2')];
    expect(progressAfter(request, two, now)).toEqual({
      status: ApprovalStatus.PENDING,
      currentLevel: 1,
    });
    expect(progressAfter({ ...request, currentLevel: 1 }, [...two, review(1, 'p4')], now)).toEqual({
      status: ApprovalStatus.APPROVED,
      currentLevel: 1,
    });
  });

  it('schedules an approved request whose applyAt is ahead, and approves one whose time has come', () => {
    const all = [review(0, 'p1'), review(0, 'p2'), review(1, 'p4')];
    const ahead = { ...request, currentLevel: 1, applyAt: new Date('2030-01-02T00:00:00Z') };
    expect(progressAfter(ahead, all, now).status).toBe(ApprovalStatus.SCHEDULED);
    const past = { ...ahead, applyAt: new Date('2029-12-31T00:00:00Z') };
    expect(progressAfter(past, all, now).status).toBe(ApprovalStatus.APPROVED);
  });

  it('closes on a rejection only when the policy says so', () => {
    const rejected = [review(0, 'p1', 'reject')];
    expect(progressAfter(request, rejected, now).status).toBe(ApprovalStatus.REJECTED);
    expect(progressAfter({ ...request, rejectionCloses: false }, rejected, now)).toEqual({
      status: ApprovalStatus.PENDING,
      currentLevel: 0,
    });
  });

  it('lets listed keys review, and approvers where any may', () => {
    expect(mayReviewAt(levels[0], { id: 'a', roles: [Role.VIEWER] })).toBe(true);
    expect(mayReviewAt(levels[0], { id: 'x', roles: [Role.APPROVER] })).toBe(false);
    expect(mayReviewAt(levels[1], { id: 'x', roles: [Role.APPROVER] })).toBe(true);
    expect(mayReviewAt(levels[1], { id: 'x', roles: [Role.ADMIN] })).toBe(true);
    expect(mayReviewAt(levels[1], { id: 'x', roles: [Role.EDITOR] })).toBe(false);
  });

  it('refuses an applyAt in the past or over a year ahead', () => {
    expect(applyAtIssue(null, now)).toBeNull();
    expect(applyAtIssue(new Date('2029-12-31T23:59:59Z'), now)?.rule).toBe('future');
    expect(applyAtIssue(new Date('2030-12-31T00:00:00Z'), now)).toBeNull();
    expect(applyAtIssue(new Date('2031-01-02T00:00:00Z'), now)?.rule).toBe('max');
  });
});
