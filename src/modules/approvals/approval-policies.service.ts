import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { grantsAny, Role } from '../../core/auth/role';
import { isUniqueViolation } from '../../core/database/database-errors';
import { AppError, ValidationIssue } from '../../core/errors/app-error';
import { Connection, decodeCursor, isInstant, toConnection } from '../../core/graphql/pagination';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { personOf } from '../api-keys/person';
import { EnvironmentsService } from '../environments/environments.service';
import { ApprovalPolicy, ApprovalLevelSpec } from './approval-policy.entity';
import { ApprovalPolicyAction, ApprovalPolicyChange } from './approval-policy-change.entity';
import { governingPolicy, KEY_PATTERN } from './approval-policy.util';
import {
  ApprovalPolicyChangesArgs,
  DeleteApprovalPolicyInput,
  SetApprovalPolicyInput,
} from './dto/approval-policy.inputs';

export const MAX_POLICIES_PER_ENVIRONMENT = 50;
/** Serialises policy writes of one environment (the count limit), with the environment id. */
const POLICY_LOCK = 7_340_015;

/**
 * Approval policies per environment (docs/approvals.md): who must approve changes to which
 * config keys. Every set and delete is written to the policy audit trail in the same
 * transaction.
 */
@Injectable()
export class ApprovalPoliciesService {
  constructor(
    @InjectRepository(ApprovalPolicy) private readonly policies: Repository<ApprovalPolicy>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly environments: EnvironmentsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** The environment's policies, by name. */
  async list(actor: Actor, environmentKey: string): Promise<ApprovalPolicy[]> {
    const environment = await this.environments.resolveForActor(actor, environmentKey);
    return this.policies.find({
      where: { environmentId: environment.id },
      order: { name: 'ASC' },
    });
  }

  /** The policy that governs a config key in an environment, if any (approval-policy.util). */
  async governing(environmentId: string, key: string): Promise<ApprovalPolicy | null> {
    return governingPolicy(await this.policies.findBy({ environmentId }), key);
  }

  /** The governing policy of a key in an environment the actor sees. */
  async governingFor(
    actor: Actor,
    environmentKey: string,
    key: string,
  ): Promise<ApprovalPolicy | null> {
    const environment = await this.environments.resolveForActor(actor, environmentKey);
    return this.governing(environment.id, key);
  }

  findById(id: string): Promise<ApprovalPolicy | null> {
    return this.policies.findOneBy({ id });
  }

  /** Creates the named policy or replaces it; every problem with the levels comes at once. */
  async set(actor: Actor, input: SetApprovalPolicyInput): Promise<ApprovalPolicy> {
    const environment = await this.environments.resolveForActor(actor, input.environment);
    const pattern = input.configKeyPattern ?? null;
    const levels: ApprovalLevelSpec[] = input.levels.map((level, i) => ({
      name: level.name?.trim() || `Level ${i + 1}`,
      approverKeyIds: level.approverKeyIds,
      anyApprover: level.anyApprover,
      required: level.required,
    }));
    const issues = [
      ...(pattern !== null && !KEY_PATTERN.test(pattern)
        ? [
            {
              path: 'input.configKeyPattern',
              rule: 'pattern',
              message:
                'must be 1-128 lowercase letters, digits, ".", "_", "-" and "*" (any characters)',
            },
          ]
        : []),
      ...(await this.levelIssues(environment.id, levels)),
    ];
    if (issues.length > 0) {
      throw AppError.badInput(
        `Approval policy "${input.name}" is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    }
    const fields = {
      configKeyPattern: pattern,
      levels,
      rejectionCloses: input.rejectionCloses,
      editResetsReviews: input.editResetsReviews,
      allowAdminBypass: input.allowAdminBypass,
      exemptSafetyActions: input.exemptSafetyActions,
      updatedBy: actor.name,
    };
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          POLICY_LOCK,
          environment.id,
        ]);
        const repo = manager.getRepository(ApprovalPolicy);
        const existing = await repo.findOneBy({ environmentId: environment.id, name: input.name });
        if (!existing) {
          const count = await repo.countBy({ environmentId: environment.id });
          if (count >= MAX_POLICIES_PER_ENVIRONMENT) {
            throw AppError.badInput(
              `An environment has at most ${MAX_POLICIES_PER_ENVIRONMENT} approval policies`,
              [
                {
                  path: 'input.name',
                  rule: 'maxPolicies',
                  message: `at most ${MAX_POLICIES_PER_ENVIRONMENT} per environment`,
                },
              ],
            );
          }
        }
        const before = existing ? described(existing) : null;
        const saved = await repo.save(
          existing
            ? Object.assign(existing, fields)
            : repo.create({ ...fields, environmentId: environment.id, name: input.name }),
        );
        await this.audit(manager, actor, {
          environmentId: environment.id,
          policy: saved,
          action: ApprovalPolicyAction.SET,
          before,
          after: described(saved),
          comment: input.comment ?? null,
        });
        return saved;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'uq_approval_policy_pattern')) {
        throw AppError.conflict(
          `Another approval policy of "${input.environment}" already governs ${pattern === null ? 'every key (no pattern)' : `the pattern "${pattern}"`}`,
          { environment: input.environment, configKeyPattern: pattern },
        );
      }
      if (isUniqueViolation(error, 'uq_approval_policy_name')) {
        throw AppError.conflict(
          `Approval policy "${input.name}" was created meanwhile; try again`,
          {
            name: input.name,
          },
        );
      }
      throw error;
    }
  }

  /**
   * Deletes a policy: its keys need no approval from now on (unless another policy matches).
   * Requests it governed keep the levels they were made with.
   */
  async delete(actor: Actor, input: DeleteApprovalPolicyInput): Promise<string> {
    const environment = await this.environments.resolveForActor(actor, input.environment);
    return this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(ApprovalPolicy);
      const policy = await repo.findOneBy({ environmentId: environment.id, name: input.name });
      if (!policy) {
        throw AppError.notFound(`Approval policy "${input.name}" of "${input.environment}"`, {
          name: input.name,
        });
      }
      await repo.delete({ id: policy.id });
      await this.audit(manager, actor, {
        environmentId: environment.id,
        policy,
        action: ApprovalPolicyAction.DELETE,
        before: described(policy),
        after: null,
        comment: input.comment ?? null,
      });
      return policy.id;
    });
  }

  /** The policy audit trail of an environment, newest first. */
  async changes(
    actor: Actor,
    args: ApprovalPolicyChangesArgs,
  ): Promise<Connection<ApprovalPolicyChange>> {
    const environment = await this.environments.resolveForActor(actor, args.environment);
    const after = decodeCursor(args.after, isInstant);
    const query = this.dataSource
      .getRepository(ApprovalPolicyChange)
      .createQueryBuilder('c')
      .where('c.environment_id = :environmentId', { environmentId: environment.id })
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(args.first + 1);
    if (after) query.andWhere('(c.created_at, c.id) < (:sort::timestamptz, :id::uuid)', after);
    const rows = await query.getMany();
    return toConnection(rows, args.first, (c) => ({ sort: c.createdAt.toISOString(), id: c.id }));
  }

  /**
   * What is wrong with the levels: approver keys that do not exist, are revoked, act in
   * another environment or only evaluate (sdk), and required counts above the number of
   * different people who may approve at that level (two keys of one owner are one person).
   */
  private async levelIssues(
    environmentId: string,
    levels: ApprovalLevelSpec[],
  ): Promise<ValidationIssue[]> {
    const listed = await this.apiKeys.findByIds(levels.flatMap((l) => l.approverKeyIds));
    const byId = new Map(listed.map((key) => [key.id, key]));
    const anyApprovers = levels.some((l) => l.anyApprover)
      ? await this.apiKeys.activeIn(environmentId, [Role.APPROVER])
      : [];
    const issues: ValidationIssue[] = [];
    levels.forEach((level, i) => {
      const path = `input.levels[${i}]`;
      const people = new Set<string>();
      level.approverKeyIds.forEach((id, j) => {
        const key = byId.get(id);
        const refusal = !key
          ? { rule: 'exists', message: 'no API key has this id' }
          : key.revokedAt
            ? { rule: 'active', message: `key "${key.name}" is revoked` }
            : key.environmentId && key.environmentId !== environmentId
              ? { rule: 'environment', message: `key "${key.name}" acts in another environment` }
              : !grantsAny(key.roles, [Role.VIEWER, Role.APPROVER])
                ? { rule: 'role', message: `key "${key.name}" only evaluates (sdk)` }
                : null;
        if (refusal) issues.push({ path: `${path}.approverKeyIds[${j}]`, ...refusal });
        else people.add(personOf(key!).id);
      });
      if (level.anyApprover) for (const key of anyApprovers) people.add(personOf(key).id);
      if (!level.anyApprover && level.approverKeyIds.length === 0) {
        issues.push({
          path: `${path}.approverKeyIds`,
          rule: 'required',
          message: 'name the approvers, or set anyApprover',
        });
      } else if (level.required > people.size) {
        issues.push({
          path: `${path}.required`,
          rule: 'max',
          message: `needs ${level.required} approvals, but only ${people.size} ${people.size === 1 ? 'person' : 'different people'} may give them`,
        });
      }
    });
    return issues;
  }

  private async audit(
    manager: EntityManager,
    actor: Actor,
    entry: {
      environmentId: string;
      policy: ApprovalPolicy;
      action: ApprovalPolicyAction;
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
      comment: string | null;
    },
  ): Promise<void> {
    const repo = manager.getRepository(ApprovalPolicyChange);
    await repo.save(
      repo.create({
        environmentId: entry.environmentId,
        policyId: entry.policy.id,
        policyName: entry.policy.name,
        action: entry.action,
        before: entry.before,
        after: entry.after,
        actorId: actor.id,
        actorName: actor.name,
        comment: entry.comment,
      }),
    );
  }
}

/** A policy as the audit trail records it. */
function described(policy: Partial<ApprovalPolicy>): Record<string, unknown> {
  return {
    name: policy.name,
    configKeyPattern: policy.configKeyPattern,
    levels: policy.levels,
    rejectionCloses: policy.rejectionCloses,
    editResetsReviews: policy.editResetsReviews,
    allowAdminBypass: policy.allowAdminBypass,
    exemptSafetyActions: policy.exemptSafetyActions,
  };
}
