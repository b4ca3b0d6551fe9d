import { Injectable, Logger } from '@nestjs/common';
import { Role } from '../../core/auth/role';
import { AppConfig } from '../../core/config/app-config';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { Person, personOf } from '../api-keys/person';
import { EnvironmentsService } from '../environments/environments.service';
import { NotificationEventType } from '../notifications/notification-event-type';
import { NotificationsService, PersonalAddress } from '../notifications/notifications.service';
import { ApprovalReview, ReviewDecision } from './approval-review.entity';
import { ConfigApproval } from './config-approval.entity';

/** How a kind reads in a notification's summary. */
const KIND_TEXT: Record<string, string> = {
  create: 'create',
  update: 'change',
  rollback: 'roll back',
  archive: 'archive',
  unarchive: 'unarchive',
  delete: 'delete',
  start_deployment: 'deploy',
  start_experiment: 'start an experiment on',
  complete_experiment: 'complete the experiment on',
};

/**
 * Notifications of change requests (docs/approvals.md), through the notification channels:
 * `approval.requested` when a level waits for its reviewers, `approval.decided` on each
 * review and on how the request ended. The environment's webhook endpoints and email
 * recipients subscribed to the type get them, and — with email configured — the people
 * concerned by their key's owner: the level's approvers (never the requester), the requester.
 * A failure here is logged; it never fails the request or the review.
 */
@Injectable()
export class ApprovalNotifier {
  private readonly logger = new Logger(ApprovalNotifier.name);

  constructor(
    private readonly notifications: NotificationsService,
    private readonly apiKeys: ApiKeysService,
    private readonly environments: EnvironmentsService,
    private readonly config: AppConfig,
  ) {}

  /** The request waits for the reviewers of its current level. */
  async requested(approval: ConfigApproval): Promise<void> {
    const level = approval.levels[approval.currentLevel];
    const reviewers = await this.reviewersOf(approval);
    await this.send(
      approval,
      {
        id: `approval.${approval.id}.${approval.round}.${approval.currentLevel}.requested`,
        type: NotificationEventType.APPROVAL_REQUESTED,
        summary: `${approval.requesterName} asks you to approve: ${this.what(approval)} (level ${approval.currentLevel + 1}, ${level.name})`,
        data: {
          level: approval.currentLevel + 1,
          levelName: level.name,
          required: level.required,
          reviewers: reviewers.map((p) => ({ keyId: p.keyId, name: p.name })),
        },
      },
      reviewers,
    );
  }

  /** A review's decision, or (without one) how the request ended: told to its requester. */
  async decided(approval: ConfigApproval, review?: ApprovalReview): Promise<void> {
    const verb = review?.decision === ReviewDecision.REJECT ? 'rejected' : 'approved';
    const requester: Person[] = approval.requesterEmail
      ? [
          {
            id: approval.requesterPerson,
            name: approval.requesterName,
            email: approval.requesterEmail,
            keyId: approval.requesterId,
          },
        ]
      : [];
    await this.send(
      approval,
      {
        id: review
          ? `approval.${approval.id}.review.${review.id}`
          : `approval.${approval.id}.${approval.status}`,
        type: NotificationEventType.APPROVAL_DECIDED,
        summary: review
          ? `${review.reviewerName} ${verb} your change request: ${this.what(approval)} (now ${approval.status})`
          : `Your change request is ${approval.status}: ${this.what(approval)}${approval.reason ? ` (${approval.reason})` : ''}`,
        data: review
          ? {
              decision: review.decision,
              reviewer: review.reviewerName,
              reviewComment: review.comment,
              level: review.level + 1,
            }
          : { reason: approval.reason },
      },
      requester,
    );
  }

  private what(approval: ConfigApproval): string {
    return `${KIND_TEXT[approval.kind] ?? approval.kind} ${approval.configKey}`;
  }

  /** The people who may review the current level, but never the requester. */
  private async reviewersOf(approval: ConfigApproval): Promise<Person[]> {
    const level = approval.levels[approval.currentLevel];
    const keys = [
      ...(await this.apiKeys.findByIds(level.approverKeyIds)).filter((k) => !k.revokedAt),
      ...(level.anyApprover
        ? await this.apiKeys.activeIn(approval.environmentId, [Role.APPROVER])
        : []),
    ];
    const people = new Map<string, Person>();
    for (const person of keys.map(personOf)) {
      if (person.id !== approval.requesterPerson && !people.has(person.id)) {
        people.set(person.id, person);
      }
    }
    return [...people.values()];
  }

  private async send(
    approval: ConfigApproval,
    event: {
      id: string;
      type: NotificationEventType;
      summary: string;
      data: Record<string, unknown>;
    },
    people: Person[],
  ): Promise<void> {
    try {
      const environment = await this.environments.findById(approval.environmentId);
      const addresses: PersonalAddress[] = this.config.SMTP_URL
        ? people.flatMap((p) => (p.email ? [{ address: p.email, name: p.name }] : []))
        : [];
      await this.notifications.notify(
        {
          ...event,
          environmentId: approval.environmentId,
          occurredAt: new Date(),
          link: `/console/envs/${encodeURIComponent(environment?.key ?? '')}/approvals/${approval.id}`,
          data: {
            approvalId: approval.id,
            configKey: approval.configKey,
            kind: approval.kind,
            status: approval.status,
            requester: approval.requesterName,
            comment: approval.comment,
            ...event.data,
          },
        },
        undefined,
        addresses,
      );
    } catch (error) {
      this.logger.warn({ err: error }, `Change request ${approval.id}: notifying failed`);
    }
  }
}
