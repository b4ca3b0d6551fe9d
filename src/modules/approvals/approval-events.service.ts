import { Injectable } from '@nestjs/common';
import { ApprovalNotifier } from './approval-notifier.service';
import { ApprovalReview } from './approval-review.entity';
import { ApprovalUpdates } from './approval-updates.service';
import { ApprovalStatus, ConfigApproval } from './config-approval.entity';

/** What happened to a change request. */
export type ApprovalEvent =
  | { kind: 'requested' }
  | { kind: 'reviewed'; review: ApprovalReview; previousLevel: number }
  | { kind: 'edited'; reset: boolean }
  | { kind: 'cancelled' }
  /** It was applied, or found stale, or failed. */
  | { kind: 'closed' };

/**
 * Tells those who follow a change request what happened to it: `approvalUpdated` subscribers
 * always, the reviewers a level now waits on, and the requester on each decision and on how
 * the request ended (ApprovalNotifier).
 */
@Injectable()
export class ApprovalEvents {
  constructor(
    private readonly updates: ApprovalUpdates,
    private readonly notifier: ApprovalNotifier,
  ) {}

  async announce(approval: ConfigApproval, event: ApprovalEvent): Promise<void> {
    await this.updates.publish(approval, this.name(approval, event));
    const waitsOnNextLevel =
      approval.status === ApprovalStatus.PENDING &&
      (event.kind === 'requested' ||
        (event.kind === 'edited' && event.reset) ||
        (event.kind === 'reviewed' && approval.currentLevel !== event.previousLevel));
    if (event.kind === 'reviewed') await this.notifier.decided(approval, event.review);
    if (event.kind === 'closed') await this.notifier.decided(approval);
    if (waitsOnNextLevel) await this.notifier.requested(approval);
  }

  /** The event's name in approvalUpdated. */
  private name(approval: ConfigApproval, event: ApprovalEvent): string {
    if (event.kind === 'reviewed')
      return event.review.decision === 'approve' ? 'approved' : 'rejected';
    if (event.kind === 'closed') return approval.status;
    return event.kind;
  }
}
