import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { compare } from 'fast-json-patch';
import { DataSource, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Actor } from '../../core/auth/actor';
import { assertRoles } from '../../core/auth/authorize';
import { Role } from '../../core/auth/role';
import { isUniqueViolation } from '../../core/database/database-errors';
import { AppError, ValidationIssue } from '../../core/errors/app-error';
import { Connection, decodeCursor, isInstant, toConnection } from '../../core/graphql/pagination';
import { CONFIG_DEFAULTS, ConfigState } from '../../engine/config-state';
import { validateConfigState } from '../../engine/validate';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { BusinessConfig } from '../configs/business-config.entity';
import { ConfigChangedEvent, ConfigChangeEvents } from '../configs/config-change-events';
import { toConfigState } from '../configs/config-state.mapper';
import { ConfigsService, draft } from '../configs/configs.service';
import { DeploymentsService } from '../deployments/deployments.service';
import { assertEnvironmentScope, EnvironmentsService } from '../environments/environments.service';
import { ExperimentStatus } from '../experiments/experiment.entity';
import { ExperimentsService } from '../experiments/experiments.service';
import { ChangeAction } from '../history/config-change-log.entity';
import { ApprovalApplier } from './approval-applier.service';
import { ApprovalScheduling } from './approval-scheduling.service';
import { ApprovalPoliciesService } from './approval-policies.service';
import { ApprovalReview } from './approval-review.entity';
import { ApprovalEvent, ApprovalEvents } from './approval-events.service';
import { applyAtIssue, approvalsAt, mayReviewAt, progressAfter } from './approval-progress.util';
import {
  ApprovalStatus,
  ChangeProposal,
  ConfigApproval,
  ConfigChangeKind,
} from './config-approval.entity';
import {
  ApprovalDiff,
  ApprovalLevelProgress,
  ApprovalsArgs,
  CancelConfigChangeInput,
  EditConfigChangeInput,
  ProposalInput,
  RequestConfigChangeInput,
  ReviewConfigChangeInput,
} from './dto/approval.inputs';

const MICROSECOND_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,6}Z$/;
/** Requests that still wait for something: reviews, or their applyAt. */
const OPEN: readonly ApprovalStatus[] = [ApprovalStatus.PENDING, ApprovalStatus.SCHEDULED];
/** The history actions that change a config's state, and so its version. */
const STATE_CHANGES: ReadonlySet<string> = new Set([
  ChangeAction.CREATE,
  ChangeAction.UPDATE,
  ChangeAction.ROLLBACK,
  ChangeAction.ARCHIVE,
  ChangeAction.UNARCHIVE,
  ChangeAction.DELETE,
  ChangeAction.DEPLOYMENT_COMPLETED,
]);

/** Which part of a request's input each kind takes. */
const PART: Record<ConfigChangeKind, keyof ProposalInput | null> = {
  [ConfigChangeKind.CREATE]: 'config',
  [ConfigChangeKind.UPDATE]: 'config',
  [ConfigChangeKind.ROLLBACK]: 'toVersion',
  [ConfigChangeKind.ARCHIVE]: null,
  [ConfigChangeKind.UNARCHIVE]: null,
  [ConfigChangeKind.DELETE]: null,
  [ConfigChangeKind.START_DEPLOYMENT]: 'deployment',
  [ConfigChangeKind.START_EXPERIMENT]: 'experiment',
  [ConfigChangeKind.COMPLETE_EXPERIMENT]: 'experiment',
};
const PARTS = ['config', 'toVersion', 'deployment', 'experiment'] as const;

/** A request's proposal as stored: what it changes, based on which version of the config. */
interface Proposal {
  configId: string | null;
  baseVersion: number;
  baseState: ConfigState | null;
  proposedState: ConfigState | null;
  proposal: ChangeProposal;
}

function invalid(message: string, issues: ValidationIssue[]): AppError {
  return AppError.badInput(
    `${message}: ${issues
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`,
    issues,
  );
}

/**
 * Change requests (docs/approvals.md): made by editors where a policy governs the config,
 * reviewed level by level by the policy's approvers — never by the requester's own person —
 * and applied through the change path once the last level is satisfied (ApprovalApplier).
 */
@Injectable()
export class ApprovalsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApprovalsService.name);
  private unsubscribe?: () => unknown;

  constructor(
    @InjectRepository(ConfigApproval) private readonly approvals: Repository<ConfigApproval>,
    @InjectRepository(ApprovalReview) private readonly reviews: Repository<ApprovalReview>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly environments: EnvironmentsService,
    private readonly policies: ApprovalPoliciesService,
    private readonly apiKeys: ApiKeysService,
    private readonly configs: ConfigsService,
    private readonly deployments: DeploymentsService,
    private readonly experiments: ExperimentsService,
    private readonly applier: ApprovalApplier,
    private readonly scheduling: ApprovalScheduling,
    private readonly events: ApprovalEvents,
    private readonly changeEvents: ConfigChangeEvents,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.changeEvents.subscribe((change) => void this.markStale(change));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** A new change request, checked as the write itself would be (then again when applied). */
  async request(actor: Actor, input: RequestConfigChangeInput): Promise<ConfigApproval> {
    const environment = await this.environments.resolveForActor(actor, input.environment);
    // Deleting needs the role deleteConfig needs.
    if (input.kind === ConfigChangeKind.DELETE) assertRoles(actor, [Role.ADMIN]);
    const policy = await this.policies.governing(environment.id, input.key);
    if (!policy) {
      throw AppError.conflict(
        `No approval policy governs "${input.key}" in "${environment.key}": change it directly`,
        { key: input.key },
      );
    }
    const applyAt = applyAtIssue(input.applyAt, new Date());
    if (applyAt) throw invalid('Invalid applyAt', [applyAt]);
    const proposal = await this.propose(environment.id, input.kind, input.key, input);
    const requester = await this.apiKeys.personOf(actor.id);
    const saved = await this.approvals.save(
      this.approvals.create({
        ...proposal,
        environmentId: environment.id,
        configKey: input.key,
        kind: input.kind,
        policyId: policy.id,
        policyName: policy.name,
        levels: policy.levels,
        rejectionCloses: policy.rejectionCloses,
        editResetsReviews: policy.editResetsReviews,
        requesterId: actor.id,
        requesterName: requester.name,
        requesterPerson: requester.id,
        requesterEmail: requester.email,
        comment: input.comment ?? null,
        status: ApprovalStatus.PENDING,
        applyAt: input.applyAt ?? null,
      }),
    );
    await this.announce(saved, { kind: 'requested' });
    return saved;
  }

  /**
   * A review at the request's current level, under the request's row lock: one per person and
   * level, never by the requester's person, only by the level's approvers. The last approval
   * applies the request (or schedules it); a rejection closes it where the policy says so.
   */
  async review(actor: Actor, input: ReviewConfigChangeInput): Promise<ConfigApproval> {
    const reviewer = await this.apiKeys.personOf(actor.id);
    const { approval, review, previousLevel } = await this.dataSource.transaction(
      async (manager) => {
        const current = await manager
          .getRepository(ConfigApproval)
          .findOne({ where: { id: input.id }, lock: { mode: 'pessimistic_write' } });
        if (!current) throw AppError.notFound(`Change request ${input.id}`, { id: input.id });
        await this.assertScope(actor, current);
        if (current.status !== ApprovalStatus.PENDING) {
          throw AppError.conflict(
            `Change request ${current.id} is ${current.status}: only pending requests are reviewed`,
            { id: current.id, status: current.status },
          );
        }
        if (reviewer.id === current.requesterPerson) {
          throw AppError.forbidden(
            'A requester never reviews their own change request (nor through another key of the same owner)',
            { id: current.id },
          );
        }
        const level = current.levels[current.currentLevel];
        if (!mayReviewAt(level, actor)) {
          throw AppError.forbidden(
            `This key is not an approver of level ${current.currentLevel + 1} ("${level.name}") of change request ${current.id}`,
            { id: current.id, level: current.currentLevel },
          );
        }
        const repo = manager.getRepository(ApprovalReview);
        const reviews = await repo.find({
          where: { approvalId: current.id, round: current.round },
          order: { createdAt: 'ASC', id: 'ASC' },
        });
        if (
          reviews.some((r) => r.level === current.currentLevel && r.reviewerPerson === reviewer.id)
        ) {
          throw this.alreadyReviewed(current);
        }
        const review = repo.create({
          approvalId: current.id,
          round: current.round,
          level: current.currentLevel,
          reviewerId: actor.id,
          reviewerName: reviewer.name,
          reviewerPerson: reviewer.id,
          decision: input.decision,
          comment: input.comment ?? null,
        });
        try {
          await repo.save(review);
        } catch (error) {
          if (isUniqueViolation(error)) throw this.alreadyReviewed(current);
          throw error;
        }
        const progress = progressAfter(current, [...reviews, review], new Date());
        const rejected = progress.status === ApprovalStatus.REJECTED;
        await manager.getRepository(ConfigApproval).update(
          { id: current.id },
          {
            status: progress.status,
            currentLevel: progress.currentLevel,
            ...(rejected && {
              reason: `Rejected by ${reviewer.name}${input.comment ? `: ${input.comment}` : ''}`,
              closedAt: () => 'now()',
            }),
          },
        );
        return {
          approval: (await manager.getRepository(ConfigApproval).findOneBy({ id: current.id }))!,
          review,
          previousLevel: current.currentLevel,
        };
      },
    );
    await this.announce(approval, { kind: 'reviewed', review, previousLevel });
    return this.afterApproval(approval);
  }

  /** Withdraws a pending or scheduled request: its requester (any key of theirs) or an admin. */
  async cancel(actor: Actor, input: CancelConfigChangeInput): Promise<ConfigApproval> {
    const current = await this.get(actor, input.id);
    const person = await this.apiKeys.personOf(actor.id);
    if (person.id !== current.requesterPerson && !actor.roles.includes(Role.ADMIN)) {
      throw AppError.forbidden('Only the requester or an admin cancels a change request', {
        id: current.id,
      });
    }
    const result = await this.approvals
      .createQueryBuilder()
      .update()
      .set({
        status: ApprovalStatus.CANCELLED,
        reason: `Cancelled by ${person.name}${input.comment ? `: ${input.comment}` : ''}`,
        closedAt: () => 'now()',
      })
      .where('id = :id AND status IN (:...open)', { id: current.id, open: OPEN })
      .execute();
    if (!result.affected) {
      const now = await this.find(current.id);
      throw AppError.conflict(
        `Change request ${current.id} is ${now.status}: only pending or scheduled requests are cancelled`,
        { id: current.id, status: now.status },
      );
    }
    const cancelled = await this.find(current.id);
    await this.announce(cancelled, { kind: 'cancelled' });
    return cancelled;
  }

  /**
   * Replaces the proposal of a pending or scheduled request (its requester only), based on
   * the config as it is now. Where the policy says so, the reviews start over (a new round).
   */
  async edit(actor: Actor, input: EditConfigChangeInput): Promise<ConfigApproval> {
    const current = await this.get(actor, input.id);
    const person = await this.apiKeys.personOf(actor.id);
    if (person.id !== current.requesterPerson) {
      throw AppError.forbidden('Only the requester edits a change request', { id: current.id });
    }
    this.assertOpen(current, 'edited');
    if (input.applyAt) {
      const issue = applyAtIssue(input.applyAt, new Date());
      if (issue) throw invalid('Invalid applyAt', [issue]);
    }
    const proposal = await this.propose(
      current.environmentId,
      current.kind,
      current.configKey,
      input,
    );
    const applyAt = input.applyAt !== undefined ? input.applyAt : current.applyAt;
    const reset = current.editResetsReviews;
    const status = reset
      ? ApprovalStatus.PENDING
      : current.status === ApprovalStatus.SCHEDULED && !(applyAt && applyAt > new Date())
        ? ApprovalStatus.APPROVED
        : current.status;
    const result = await this.approvals
      .createQueryBuilder()
      .update()
      .set({
        ...proposal,
        comment: input.comment !== undefined ? input.comment : current.comment,
        applyAt,
        status,
        ...(reset && { round: () => 'round + 1', currentLevel: 0 }),
      } as QueryDeepPartialEntity<ConfigApproval>)
      .where('id = :id AND status = :status AND round = :round', {
        id: current.id,
        status: current.status,
        round: current.round,
      })
      .execute();
    if (!result.affected) {
      throw AppError.conflict(`Change request ${current.id} changed while it was being edited`, {
        id: current.id,
      });
    }
    const edited = await this.find(current.id);
    await this.announce(edited, { kind: 'edited', reset });
    return this.afterApproval(edited);
  }

  /** A request the actor may see; NOT_FOUND or FORBIDDEN otherwise. */
  async get(actor: Actor, id: string): Promise<ConfigApproval> {
    const approval = await this.find(id);
    await this.assertScope(actor, approval);
    return approval;
  }

  /** An environment's requests, the newest first, filtered (docs/approvals.md). */
  async list(actor: Actor, args: ApprovalsArgs): Promise<Connection<ConfigApproval>> {
    const environment = await this.environments.resolveForActor(actor, args.environment);
    const after = decodeCursor(args.after, (s) => MICROSECOND_ISO.test(s) && isInstant(s));
    const query = this.approvals
      .createQueryBuilder('a')
      .where('a.environment_id = :environmentId', { environmentId: environment.id })
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(args.first + 1);
    if (args.status) query.andWhere('a.status = :status', { status: args.status });
    if (args.key) query.andWhere('a.config_key = :key', { key: args.key });
    if (args.requester) {
      const person = await this.apiKeys.personOf(args.requester);
      query.andWhere('a.requester_person = :requester', { requester: person.id });
    }
    if (args.reviewer) {
      const [key] = await this.apiKeys.findByIds([args.reviewer]);
      if (!key) throw AppError.notFound('API key', { id: args.reviewer });
      const person = (await this.apiKeys.people([key.id])).get(key.id)!;
      query
        .andWhere(`a.status = 'pending' AND a.requester_person <> :person`, { person: person.id })
        .andWhere(
          `((a.levels -> a.current_level -> 'approverKeyIds') @> jsonb_build_array(:keyId::text)
            OR ((a.levels -> a.current_level ->> 'anyApprover')::boolean AND :approver))`,
          {
            keyId: key.id,
            approver: mayReviewAt(
              { name: '', approverKeyIds: [], anyApprover: true, required: 1 },
              key,
            ),
          },
        )
        .andWhere(
          `NOT EXISTS (SELECT 1 FROM config_approval_review r WHERE r.approval_id = a.id
            AND r.round = a.round AND r.level = a.current_level AND r.reviewer_person = :person)`,
        );
    }
    if (after) query.andWhere('(a.created_at, a.id) < (:sort::timestamptz, :id::uuid)', after);
    const rows = await query.getMany();
    return toConnection(rows, args.first, (a) => ({ sort: a.createdAt.toISOString(), id: a.id }));
  }

  /** Every review of a request, all rounds, in order. */
  reviewsOf(approvalId: string): Promise<ApprovalReview[]> {
    return this.reviews.find({
      where: { approvalId },
      order: { round: 'ASC', createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Each level of the request: who may approve, the current round's reviews, satisfied or not. */
  async levelsOf(approval: ConfigApproval): Promise<ApprovalLevelProgress[]> {
    const reviews = (await this.reviewsOf(approval.id)).filter((r) => r.round === approval.round);
    return approval.levels.map((level, i) => {
      const approvals = approvalsAt(reviews, approval.round, i);
      return {
        level: i,
        name: level.name,
        required: level.required,
        approvals,
        satisfied: approvals >= level.required,
        approverKeyIds: level.approverKeyIds,
        anyApprover: level.anyApprover,
        reviews: reviews.filter((r) => r.level === i),
      };
    });
  }

  /** Whether the actor may review the request now. */
  async canReview(actor: Actor, approval: ConfigApproval): Promise<boolean> {
    if (approval.status !== ApprovalStatus.PENDING) return false;
    const person = await this.apiKeys.personOf(actor.id);
    if (person.id === approval.requesterPerson) return false;
    if (!mayReviewAt(approval.levels[approval.currentLevel], actor)) return false;
    const reviews = await this.reviewsOf(approval.id);
    return !reviews.some(
      (r) =>
        r.round === approval.round &&
        r.level === approval.currentLevel &&
        r.reviewerPerson === person.id,
    );
  }

  /** The proposal against the config as it is now (RFC 6902). */
  async diff(approval: ConfigApproval): Promise<ApprovalDiff> {
    const config = await this.configs.findByKey(approval.environmentId, approval.configKey);
    const current = config ? toConfigState(config) : null;
    const stale =
      approval.kind === ConfigChangeKind.CREATE
        ? config !== null
        : !config || config.id !== approval.configId || config.version !== approval.baseVersion;
    return {
      baseVersion: approval.baseVersion,
      currentVersion: config?.version ?? null,
      stale,
      current,
      proposed: approval.proposedState,
      patch: approval.proposedState
        ? compare(current ?? {}, approval.proposedState)
        : approval.kind === ConfigChangeKind.DELETE && current
          ? compare(current, {})
          : [],
    };
  }

  /** The person behind the requester's key. */
  requesterOf(approval: ConfigApproval): { keyId: string; name: string } {
    return { keyId: approval.requesterId, name: approval.requesterName };
  }

  async find(id: string): Promise<ConfigApproval> {
    const approval = await this.approvals.findOneBy({ id });
    if (!approval) throw AppError.notFound(`Change request ${id}`, { id });
    return approval;
  }

  /** After a review or an edit: apply an approved request now, schedule a scheduled one. */
  private async afterApproval(approval: ConfigApproval): Promise<ConfigApproval> {
    if (approval.status === ApprovalStatus.APPROVED) {
      return (await this.applier.applyNow(approval.id)) ?? approval;
    }
    if (approval.status === ApprovalStatus.SCHEDULED) await this.scheduling.schedule(approval);
    return approval;
  }

  /**
   * Marks the open requests of a config that a committed change made stale: the config moved
   * past their base version (or, for a create, now exists). Best effort right after the
   * commit; the applier checks again before any write.
   */
  private async markStale(change: ConfigChangedEvent): Promise<void> {
    if (!STATE_CHANGES.has(change.action)) return;
    const version = change.state ? change.version : null;
    try {
      const [rows]: [{ id: string }[], number] = await this.dataSource.query(
        `UPDATE config_approval SET status = 'stale', closed_at = now(), updated_at = now(),
           reason = CASE WHEN kind = 'create'
             THEN 'Config "' || config_key || '" was created meanwhile'
             ELSE 'Config "' || config_key || '" changed since the request: version '
               || base_version || ' then, ' || coalesce($3::text, 'deleted') || ' now' END
         WHERE environment_id = $1 AND config_key = $2 AND status IN ('pending', 'scheduled')
           AND CASE WHEN kind = 'create' THEN $3::integer IS NOT NULL
             ELSE base_version IS DISTINCT FROM $3::integer END
         RETURNING id`,
        [change.environmentId, change.key, version],
      );
      for (const { id } of rows) await this.announce(await this.find(id), { kind: 'closed' });
    } catch (error) {
      this.logger.warn({ err: error }, `Could not mark the requests of "${change.key}" stale`);
    }
  }

  /** Tells subscribers (and, for decisions, the people concerned) what happened. */
  private async announce(approval: ConfigApproval, event: ApprovalEvent): Promise<void> {
    await this.events.announce(approval, event);
  }

  private alreadyReviewed(approval: ConfigApproval): AppError {
    return AppError.conflict(
      `You have already reviewed level ${approval.currentLevel + 1} of change request ${approval.id}; a person reviews each level once`,
      { id: approval.id, level: approval.currentLevel },
    );
  }

  private assertOpen(approval: ConfigApproval, verb: string): void {
    if (OPEN.includes(approval.status)) return;
    throw AppError.conflict(
      `Change request ${approval.id} is ${approval.status}: only pending or scheduled requests are ${verb}`,
      { id: approval.id, status: approval.status },
    );
  }

  private async assertScope(actor: Actor, approval: ConfigApproval): Promise<void> {
    if (!actor.environmentId || actor.environmentId === approval.environmentId) return;
    const environment = await this.environments.findById(approval.environmentId);
    assertEnvironmentScope(actor, { id: approval.environmentId, key: environment?.key ?? '' });
  }

  /**
   * The change a request proposes, checked now as the write would be: the part of the input
   * its kind takes (and no other), the config (its version, when given), the new state valid.
   */
  private async propose(
    environmentId: string,
    kind: ConfigChangeKind,
    key: string,
    input: ProposalInput,
  ): Promise<Proposal> {
    const part = PART[kind];
    const issues: ValidationIssue[] = PARTS.flatMap((name) => {
      const given = input[name] !== undefined && input[name] !== null;
      if (name === part && !given) {
        return [
          { path: `input.${name}`, rule: 'required', message: `${kind} requests need ${name}` },
        ];
      }
      if (name !== part && given) {
        return [{ path: `input.${name}`, rule: 'kind', message: `not part of a ${kind} request` }];
      }
      return [];
    });
    if (kind === ConfigChangeKind.CREATE && input.config && !input.config.valueType) {
      issues.push({
        path: 'input.config.valueType',
        rule: 'required',
        message: 'a new config needs its valueType',
      });
    }
    if (
      kind === ConfigChangeKind.COMPLETE_EXPERIMENT &&
      input.experiment &&
      !input.experiment.winner
    ) {
      issues.push({
        path: 'input.experiment.winner',
        rule: 'required',
        message: 'a completion that needs approval names its winner',
      });
    }
    if (issues.length > 0) throw invalid('Invalid change request', issues);
    const config = await this.configs.findByKey(environmentId, key);
    if (kind === ConfigChangeKind.CREATE) {
      if (config) {
        throw AppError.conflict(`Config "${key}" already exists in this environment`, { key });
      }
      const state = draft(input.config!, {
        ...CONFIG_DEFAULTS,
        key,
        valueType: input.config!.valueType!,
        value: undefined,
        defaultValue: undefined,
      });
      this.assertValidState(key, state, 'input.config');
      return {
        configId: null,
        baseVersion: 0,
        baseState: null,
        proposedState: state,
        proposal: {},
      };
    }
    if (!config) throw AppError.notFound(`Config "${key}"`, { key });
    if (input.expectedVersion && input.expectedVersion !== config.version) {
      throw AppError.conflict(
        `Config "${key}" changed since version ${input.expectedVersion}; it is now at version ${config.version}`,
        { key, expectedVersion: input.expectedVersion, currentVersion: config.version },
      );
    }
    const base = {
      configId: config.id,
      baseVersion: config.version,
      baseState: toConfigState(config),
    };
    return { ...base, ...(await this.proposedChange(kind, config, input)) };
  }

  private async proposedChange(
    kind: ConfigChangeKind,
    config: BusinessConfig,
    input: ProposalInput,
  ): Promise<Pick<Proposal, 'proposedState' | 'proposal'>> {
    const state = toConfigState(config);
    switch (kind) {
      case ConfigChangeKind.UPDATE: {
        const next = draft(input.config!, state);
        this.assertValidState(config.key, next, 'input.config');
        return { proposedState: next, proposal: {} };
      }
      case ConfigChangeKind.ROLLBACK: {
        const next = await this.configs.rollbackState(config, input.toVersion!);
        this.assertValidState(config.key, next, 'input.toVersion');
        return { proposedState: next, proposal: { toVersion: input.toVersion! } };
      }
      case ConfigChangeKind.ARCHIVE:
      case ConfigChangeKind.UNARCHIVE: {
        const archive = kind === ConfigChangeKind.ARCHIVE;
        if ((config.archivedAt !== null) === archive) {
          throw AppError.conflict(
            `Config "${config.key}" is ${archive ? 'already' : 'not'} archived`,
            { key: config.key },
          );
        }
        return { proposedState: { ...state, archived: archive }, proposal: {} };
      }
      case ConfigChangeKind.DELETE:
        this.configs.assertDeletable(config);
        return { proposedState: null, proposal: {} };
      case ConfigChangeKind.START_DEPLOYMENT: {
        if (config.archivedAt !== null) {
          throw AppError.conflict(`Config "${config.key}" is archived; unarchive it to deploy`, {
            key: config.key,
          });
        }
        const deployment = input.deployment!;
        const checked = this.deployments.plan(config, {
          candidate: deployment.candidate,
          strategy: deployment.strategy ?? undefined,
          parameters: deployment.parameters,
        });
        return {
          proposedState: checked.candidate,
          proposal: {
            deployment: {
              candidate: { ...deployment.candidate },
              ...(deployment.strategy && { strategy: deployment.strategy }),
              ...(deployment.parameters !== undefined && { parameters: deployment.parameters }),
              ...(deployment.onGuardTrip && { onGuardTrip: deployment.onGuardTrip }),
            },
          },
        };
      }
      case ConfigChangeKind.START_EXPERIMENT:
      case ConfigChangeKind.COMPLETE_EXPERIMENT: {
        const wanted = input.experiment!;
        const experiment = await this.experiments.findByKey(config.environmentId, wanted.key);
        if (!experiment) throw AppError.notFound(`Experiment "${wanted.key}"`, { key: wanted.key });
        if (experiment.configId !== config.id) {
          throw invalid('Invalid change request', [
            {
              path: 'input.experiment.key',
              rule: 'config',
              message: `experiment "${wanted.key}" runs on another config`,
            },
          ]);
        }
        const start = kind === ConfigChangeKind.START_EXPERIMENT;
        const from = start
          ? [ExperimentStatus.DRAFT]
          : [ExperimentStatus.RUNNING, ExperimentStatus.PAUSED];
        if (!from.includes(experiment.status)) {
          throw AppError.conflict(
            `Experiment "${experiment.key}" is ${experiment.status}: it cannot be ${start ? 'started' : 'completed'}`,
            { key: experiment.key, status: experiment.status },
          );
        }
        if (start)
          return { proposedState: null, proposal: { experiment: { key: experiment.key } } };
        const completion = { winner: wanted.winner, promoteWinner: wanted.promoteWinner ?? false };
        const winner = await this.experiments.checkCompletion(experiment, completion);
        return {
          proposedState: completion.promoteWinner ? { ...state, value: winner!.value } : null,
          proposal: { experiment: { key: experiment.key, ...completion } },
        };
      }
      default:
        throw new Error(`Unknown change request kind ${String(kind)}`);
    }
  }

  private assertValidState(key: string, state: ConfigState, prefix: string): void {
    const issues = validateConfigState(state).map((issue) => ({
      ...issue,
      path: issue.path ? `${prefix}.${issue.path}` : prefix,
    }));
    if (issues.length > 0) throw invalid(`The proposed config "${key}" is invalid`, issues);
  }
}
