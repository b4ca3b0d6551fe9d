import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AppError } from '../../core/errors/app-error';
import { BusinessConfig } from '../configs/business-config.entity';
import { ChangeOperation, Clearance } from '../configs/change-approval';
import { Statement } from '../configs/change-statement';
import { ConfigChangeService } from '../configs/config-change.service';
import { toConfigState } from '../configs/config-state.mapper';
import { ConfigsService } from '../configs/configs.service';
import { DeploymentsService } from '../deployments/deployments.service';
import { ExperimentsService } from '../experiments/experiments.service';
import { ChangeAction } from '../history/config-change-log.entity';
import { ApprovalEvents } from './approval-events.service';
import { APPLY_AUTHOR } from './approval-gate.service';
import { ApprovalReview, ReviewDecision } from './approval-review.entity';
import { ApprovalStatus, ConfigApproval, ConfigChangeKind } from './config-approval.entity';

/** Requests the applier takes: approved, or scheduled and due. */
const APPLICABLE: readonly ApprovalStatus[] = [ApprovalStatus.APPROVED, ApprovalStatus.SCHEDULED];

const STATE_ACTIONS: Partial<Record<ConfigChangeKind, ChangeAction>> = {
  [ConfigChangeKind.CREATE]: ChangeAction.CREATE,
  [ConfigChangeKind.UPDATE]: ChangeAction.UPDATE,
  [ConfigChangeKind.ROLLBACK]: ChangeAction.ROLLBACK,
  [ConfigChangeKind.ARCHIVE]: ChangeAction.ARCHIVE,
  [ConfigChangeKind.UNARCHIVE]: ChangeAction.UNARCHIVE,
  [ConfigChangeKind.DELETE]: ChangeAction.DELETE,
};

const OPERATIONS: Record<ConfigChangeKind, ChangeOperation> = {
  [ConfigChangeKind.CREATE]: ChangeOperation.CREATE_CONFIG,
  [ConfigChangeKind.UPDATE]: ChangeOperation.UPDATE_CONFIG,
  [ConfigChangeKind.ROLLBACK]: ChangeOperation.ROLLBACK_CONFIG,
  [ConfigChangeKind.ARCHIVE]: ChangeOperation.ARCHIVE_CONFIG,
  [ConfigChangeKind.UNARCHIVE]: ChangeOperation.UNARCHIVE_CONFIG,
  [ConfigChangeKind.DELETE]: ChangeOperation.DELETE_CONFIG,
  [ConfigChangeKind.START_DEPLOYMENT]: ChangeOperation.START_DEPLOYMENT,
  [ConfigChangeKind.START_EXPERIMENT]: ChangeOperation.START_EXPERIMENT,
  [ConfigChangeKind.COMPLETE_EXPERIMENT]: ChangeOperation.COMPLETE_EXPERIMENT,
};

/** Why an approved request was not applied: the config moved (stale), or it cannot be (failed). */
class NotApplied extends Error {
  constructor(
    readonly status: ApprovalStatus.STALE | ApprovalStatus.FAILED,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * Applies approved change requests through the one change path, exactly once: the write
 * carries a precondition that marks the request applied in the same statement, so of any
 * number of appliers (the last review, the scheduled job, the sweeper, a retry) one writes
 * and the others find it applied. A request whose config moved past its base version
 * becomes stale, never applied over someone else's change; one that the change path refuses
 * (an active deployment, a running experiment, a value the constraints now forbid) fails
 * with the reason.
 */
@Injectable()
export class ApprovalApplier {
  private readonly logger = new Logger(ApprovalApplier.name);

  constructor(
    @InjectRepository(ConfigApproval) private readonly approvals: Repository<ConfigApproval>,
    @InjectRepository(ApprovalReview) private readonly reviews: Repository<ApprovalReview>,
    private readonly changes: ConfigChangeService,
    private readonly configs: ConfigsService,
    private readonly deployments: DeploymentsService,
    private readonly experiments: ExperimentsService,
    private readonly events: ApprovalEvents,
  ) {}

  /**
   * Applies a request that is approved, or scheduled and due (the scheduled job's and the
   * sweeper's entry): returns its applyAt when that is still ahead, else null.
   */
  async applyDue(id: string): Promise<Date | null> {
    const approval = await this.approvals.findOneBy({ id });
    if (approval?.status === ApprovalStatus.SCHEDULED && approval.applyAt! > new Date()) {
      return approval.applyAt;
    }
    await this.applyNow(id);
    return null;
  }

  /** Applies the request if it is due, and announces how it ended; returns it as it then is. */
  async applyNow(id: string): Promise<ConfigApproval | null> {
    const { approval, closed } = await this.apply(id);
    if (approval && closed) await this.events.announce(approval, { kind: 'closed' });
    return approval;
  }

  /** Approved requests nobody applied, and scheduled ones overdue by `graceMs`. */
  async overdue(graceMs: number, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.approvals.query(
      `SELECT id FROM config_approval
       WHERE (status = 'scheduled' AND apply_at <= $1) OR (status = 'approved' AND updated_at <= $1)
       ORDER BY coalesce(apply_at, updated_at) LIMIT $2`,
      [new Date(Date.now() - graceMs), limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Applies the request if it is approved, or scheduled and due; returns it as it then is, and
   * whether this call closed it (for the caller to announce).
   */
  async apply(id: string): Promise<{ approval: ConfigApproval | null; closed: boolean }> {
    const approval = await this.approvals.findOneBy({ id });
    if (!approval || !this.due(approval)) return { approval, closed: false };
    try {
      await this.write(approval);
    } catch (error) {
      const now = await this.approvals.findOneBy({ id });
      // Another applier applied it, or it was cancelled: nothing of ours to record.
      if (!now || !APPLICABLE.includes(now.status)) return { approval: now, closed: false };
      const outcome =
        error instanceof NotApplied
          ? error
          : error instanceof AppError
            ? ((await this.staleness(now)) ?? new NotApplied(ApprovalStatus.FAILED, error.message))
            : undefined;
      if (!outcome) throw error;
      const closed = await this.close(id, outcome.status, outcome.message);
      return { approval: closed ?? (await this.approvals.findOneBy({ id })), closed: !!closed };
    }
    return { approval: await this.approvals.findOneBy({ id }), closed: true };
  }

  /** Approved, or scheduled with its time come. */
  private due(approval: ConfigApproval): boolean {
    if (approval.status === ApprovalStatus.APPROVED) return true;
    return (
      approval.status === ApprovalStatus.SCHEDULED &&
      approval.applyAt !== null &&
      approval.applyAt <= new Date()
    );
  }

  /** Closes an approved or scheduled request without applying it; null when it moved on. */
  async close(id: string, status: ApprovalStatus, reason: string): Promise<ConfigApproval | null> {
    const result = await this.approvals
      .createQueryBuilder()
      .update()
      .set({ status, reason, closedAt: () => 'now()' })
      .where('id = :id AND status IN (:...from)', { id, from: APPLICABLE })
      .returning('id')
      .execute();
    return result.affected ? this.approvals.findOneBy({ id }) : null;
  }

  /** Stale when the config is not what the request was based on any more; null otherwise. */
  private async staleness(approval: ConfigApproval): Promise<NotApplied | null> {
    const config = await this.configs.findByKey(approval.environmentId, approval.configKey);
    if (approval.kind === ConfigChangeKind.CREATE) {
      return config
        ? new NotApplied(
            ApprovalStatus.STALE,
            `Config "${approval.configKey}" was created meanwhile (version ${config.version})`,
          )
        : null;
    }
    if (!config || config.id !== approval.configId) {
      return new NotApplied(
        ApprovalStatus.STALE,
        `Config "${approval.configKey}" was deleted meanwhile`,
      );
    }
    if (config.version !== approval.baseVersion) {
      return new NotApplied(
        ApprovalStatus.STALE,
        `Config "${approval.configKey}" changed since the request: version ${approval.baseVersion} then, ${config.version} now`,
      );
    }
    return null;
  }

  /** The write itself, with the precondition that marks the request applied. */
  private async write(approval: ConfigApproval): Promise<void> {
    const stale = await this.staleness(approval);
    if (stale) throw stale;
    const config = await this.configs.findByKey(approval.environmentId, approval.configKey);
    const clearance = await this.changes.clear({
      environmentId: approval.environmentId,
      key: approval.configKey,
      operation: OPERATIONS[approval.kind],
      author: APPLY_AUTHOR,
    });
    const comment = await this.historyComment(approval);
    const precondition = this.precondition(approval, config);
    const action = STATE_ACTIONS[approval.kind];
    if (action) {
      await this.writeState(approval, config, action, { clearance, comment, precondition });
      return;
    }
    const write = { author: APPLY_AUTHOR, comment, clearance, precondition };
    const { proposal } = approval;
    switch (approval.kind) {
      case ConfigChangeKind.START_DEPLOYMENT:
        await this.deployments.startAs(
          APPLY_AUTHOR,
          config!,
          { ...proposal.deployment!, expectedVersion: approval.baseVersion, comment },
          clearance,
          precondition,
        );
        return;
      case ConfigChangeKind.START_EXPERIMENT:
        await this.experiments.startAs(approval.environmentId, proposal.experiment!.key, write);
        return;
      case ConfigChangeKind.COMPLETE_EXPERIMENT:
        await this.completeExperiment(approval, write);
        return;
      default:
        throw new Error(`Unknown change request kind ${String(approval.kind)}`);
    }
  }

  private async writeState(
    approval: ConfigApproval,
    config: BusinessConfig | null,
    action: ChangeAction,
    {
      clearance,
      comment,
      precondition,
    }: { clearance: Clearance; comment: string; precondition: Statement & { refusal: string } },
  ): Promise<void> {
    if (config) {
      await this.configs.assertNoRunningExperiment(config, 'applying the change request');
      await this.configs.assertNoActiveDeployment(config, 'applying the change request');
      if (approval.kind === ConfigChangeKind.DELETE) this.configs.assertDeletable(config);
    }
    await this.changes.commit({
      environmentId: approval.environmentId,
      action,
      key: approval.configKey,
      ...(config && {
        current: { id: config.id, version: approval.baseVersion, state: toConfigState(config) },
      }),
      next: approval.proposedState,
      author: APPLY_AUTHOR,
      comment,
      clearance,
      precondition,
    });
  }

  /**
   * The completion is applied with the request; promoting the winner is a second write after
   * it (as completeExperiment does), so its failure is recorded as the request's reason.
   */
  private async completeExperiment(
    approval: ConfigApproval,
    write: {
      author: typeof APPLY_AUTHOR;
      comment: string;
      clearance: Clearance;
      precondition: Statement;
    },
  ): Promise<void> {
    const experiment = approval.proposal.experiment!;
    try {
      await this.experiments.completeAs(
        approval.environmentId,
        experiment.key,
        { winner: experiment.winner, promoteWinner: experiment.promoteWinner },
        write,
      );
    } catch (error) {
      const now = await this.approvals.findOneBy({ id: approval.id });
      if (now?.status !== ApprovalStatus.APPLIED || !(error instanceof AppError)) throw error;
      this.logger.warn(
        `Change request ${approval.id}: the winner was not promoted: ${error.message}`,
      );
      await this.approvals.update(
        { id: approval.id },
        { reason: `Completed, but the winner was not promoted: ${error.message}` },
      );
    }
  }

  /**
   * Marks the request applied, only while it is approved (or scheduled and due) and the config
   * is still at its base version — locked for the statement — or, for a create, absent.
   */
  private precondition(
    approval: ConfigApproval,
    config: BusinessConfig | null,
  ): Statement & { refusal: string } {
    const lock =
      approval.kind === ConfigChangeKind.CREATE
        ? `NOT EXISTS (SELECT 1 FROM business_config c WHERE c.environment_id = $2::uuid AND c.key = $3::text)`
        : `EXISTS (SELECT 1 FROM business_config c WHERE c.id = $2::uuid AND c.version = $3::integer FOR UPDATE)`;
    return {
      sql: `UPDATE config_approval SET status = 'applied', applied_at = now(), closed_at = now(),
          updated_at = now()
        WHERE id = $1::uuid AND (status = 'approved'
          OR (status = 'scheduled' AND apply_at <= now())) AND ${lock}
        RETURNING id`,
      params:
        approval.kind === ConfigChangeKind.CREATE
          ? [approval.id, approval.environmentId, approval.configKey]
          : [approval.id, config!.id, approval.baseVersion],
      refusal: `Change request ${approval.id} is no longer approved, or its config changed`,
    };
  }

  /** The history entry's comment: the request, its requester and approvers, its comment. */
  private async historyComment(approval: ConfigApproval): Promise<string> {
    const approvals = await this.reviews.find({
      where: {
        approvalId: approval.id,
        round: approval.round,
        decision: In([ReviewDecision.APPROVE]),
      },
      order: { level: 'ASC', createdAt: 'ASC' },
    });
    const names = [...new Set(approvals.map((review) => review.reviewerName))].join(', ');
    const head = `Change request ${approval.id} by ${approval.requesterName}, approved by ${names}`;
    return approval.comment ? `${head}: ${approval.comment}` : head;
  }
}
