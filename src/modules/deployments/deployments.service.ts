import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Actor, ChangeAuthor, systemAuthor } from '../../core/auth/actor';
import { isUniqueViolation } from '../../core/database/database-errors';
import { AppError, ErrorCode } from '../../core/errors/app-error';
import { Connection, decodeCursor, isInstant, toConnection } from '../../core/graphql/pagination';
import { ConfigState, DeploymentStrategy, ValidationIssue } from '../../engine/config-state';
import { planDeployment } from '../../engine/deployment-schedule';
import { DeploymentStatus } from '../../engine/deployment-state';
import { validateConfigState } from '../../engine/validate';
import { BusinessConfig } from '../configs/business-config.entity';
import { ChangeOperation, Clearance } from '../configs/change-approval';
import { PRECONDITION, Statement } from '../configs/change-statement';
import { DeploymentChange } from '../configs/config-change-events';
import { ConfigChangeService } from '../configs/config-change.service';
import { toConfigState } from '../configs/config-state.mapper';
import { ConfigsService, draft } from '../configs/configs.service';
import { bypassOf } from '../configs/dto/config.inputs';
import { assertEnvironmentScope, EnvironmentsService } from '../environments/environments.service';
import { ChangeAction } from '../history/config-change-log.entity';
import { ConfigDeployment, GuardTripAction } from './config-deployment.entity';
import {
  DeploymentCandidateInput,
  DeploymentsArgs,
  DeploymentTransitionInput,
  RollbackDeploymentInput,
  StartDeploymentInput,
} from './dto/deployment.inputs';

/** The author the progression's steps are recorded under in the change history. */
export const PROGRESSION_AUTHOR = systemAuthor('deployment-progression');

/** A transition retried when a config write landed between reading and writing. */
const TRANSITION_ATTEMPTS = 3;
const ACTIVE: readonly DeploymentStatus[] = ['pending', 'in_progress', 'paused'];
const MICROSECOND_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Why a step was not taken: gone or moved on, or its time has not come (`nextStepAt`). */
export type AdvanceOutcome =
  { advanced: true; deployment: ConfigDeployment } | { advanced: false; nextStepAt?: Date };

/** What a start needs besides the config: the candidate, the plan, the version read. */
export type DeploymentRequest = Pick<
  StartDeploymentInput,
  'candidate' | 'strategy' | 'parameters' | 'onGuardTrip' | 'expectedVersion' | 'comment'
>;

/** A start's candidate and plan, checked (DeploymentsService.plan). */
export interface CheckedDeployment {
  candidate: ConfigState;
  strategy: DeploymentStrategy;
  parameters: Record<string, unknown>;
  steps: { percentage: number; holdSeconds: number }[];
}

/** One status change of a deployment, written by `move`. */
interface Move {
  action: ChangeAction;
  from: readonly DeploymentStatus[];
  to: DeploymentStatus;
  verb: string;
  /** SQL after SET: $4 is the time, the move's `params` follow from $5. */
  set: string;
  params: unknown[];
  /** Extra WHERE conditions on the deployment (same numbering). */
  where?: string;
  /** The step it enters, if it enters one. */
  step?: number;
  /** When the next step is due after it (null: none is). */
  nextStepAt: Date | null;
  reason?: string | null;
}

function prefixed(prefix: string, issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.map((issue) => ({
    ...issue,
    path: issue.path ? `${prefix}.${issue.path}` : prefix,
  }));
}

/**
 * Progressive deployments (docs/deployments.md): a candidate state served to a growing share
 * of a config's subjects, step by step, through the config change path — every start, step,
 * pause, resume and rollback is a side change (history entry, revision, outbox event; the
 * config's version unchanged) and the completion a config change (the candidate becomes the
 * state, version + 1).
 */
@Injectable()
export class DeploymentsService {
  constructor(
    @InjectRepository(ConfigDeployment)
    private readonly deployments: Repository<ConfigDeployment>,
    private readonly environments: EnvironmentsService,
    private readonly configs: ConfigsService,
    private readonly changes: ConfigChangeService,
  ) {}

  findById(id: string): Promise<ConfigDeployment | null> {
    return this.deployments.findOneBy({ id });
  }

  /** The config's active deployment (pending, in progress or paused), if it has one. */
  findActive(environmentId: string, configKey: string): Promise<ConfigDeployment | null> {
    return this.deployments.findOneBy({ environmentId, configKey, status: In([...ACTIVE]) });
  }

  async get(actor: Actor, id: string): Promise<ConfigDeployment> {
    const deployment = await this.find(id);
    await this.assertScope(actor, deployment);
    return deployment;
  }

  /** An environment's deployments, the newest first, optionally of one config or status. */
  async list(actor: Actor, args: DeploymentsArgs): Promise<Connection<ConfigDeployment>> {
    const environment = await this.environments.resolveForActor(actor, args.environment);
    const after = decodeCursor(args.after, (s) => MICROSECOND_ISO.test(s) && isInstant(s));
    const cursorValue = `to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    const query = this.deployments
      .createQueryBuilder('d')
      .addSelect(cursorValue, 'cursor_sort')
      .where('d.environment_id = :environmentId', { environmentId: environment.id })
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(args.first + 1);
    if (args.key) query.andWhere('d.config_key = :key', { key: args.key });
    if (args.status) query.andWhere('d.status = :status', { status: args.status });
    if (after) {
      query.andWhere('(d.created_at, d.id) < (:sort::timestamptz, :id::uuid)', after);
    }
    const { entities, raw } = await query.getRawAndEntities<{ cursor_sort: string }>();
    const sortOf = new Map(entities.map((d, i) => [d, raw[i].cursor_sort]));
    return toConnection(entities, args.first, (d) => ({ sort: sortOf.get(d)!, id: d.id }));
  }

  /**
   * Starts a deployment at its first step. Checks in DESIGN.md's order: scope, the approval
   * gate, an active deployment or running experiment, the expected version, then the
   * candidate and the plan (every problem at once). A one-step plan (immediate) completes at
   * once.
   */
  async start(actor: Actor, input: StartDeploymentInput): Promise<ConfigDeployment> {
    const config = await this.configs.get(actor, input.environment, input.key);
    const clearance = await this.changes.clear({
      environmentId: config.environmentId,
      key: config.key,
      operation: ChangeOperation.START_DEPLOYMENT,
      author: actor,
      bypass: bypassOf(input),
    });
    return this.startAs(actor, config, input, clearance);
  }

  /**
   * A start by `author` (a person, or the apply of an approved change request, whose
   * `precondition` then runs in the same statement: both or neither).
   */
  async startAs(
    author: ChangeAuthor,
    config: BusinessConfig,
    input: DeploymentRequest,
    clearance: Clearance,
    precondition?: Statement,
  ): Promise<ConfigDeployment> {
    if (config.archivedAt !== null) {
      throw AppError.conflict(`Config "${config.key}" is archived; unarchive it to deploy`, {
        key: config.key,
      });
    }
    await this.configs.assertNoActiveDeployment(config, 'starting another');
    await this.configs.assertNoRunningExperiment(config, 'deploying');
    if (input.expectedVersion !== config.version) {
      throw AppError.conflict(
        `Config "${config.key}" changed since version ${input.expectedVersion}; it is now at version ${config.version}`,
        { key: config.key, expectedVersion: input.expectedVersion, currentVersion: config.version },
      );
    }
    const stable = toConfigState(config);
    const { candidate, strategy, parameters, steps } = this.plan(config, input);
    const id = randomUUID();
    const first = steps[0];
    const at = new Date();
    const nextStepAt = new Date(at.getTime() + first.holdSeconds * 1000);
    const write: Statement = {
      sql: `INSERT INTO config_deployment (id, environment_id, config_id, config_key,
          from_version, candidate, strategy, parameters, steps, current_step, current_percentage,
          status, next_step_at, on_guard_trip, started_by, comment, started_at)
        SELECT $1::uuid, $2::uuid, $3::uuid, $4::text, $5::integer, $6::jsonb, $7::text,
          $8::jsonb, $9::jsonb, 0, $10::numeric, 'in_progress', $11::timestamptz, $12::text,
          $13::text, $14::text, $15::timestamptz
        WHERE EXISTS (SELECT 1 FROM business_config c
          WHERE c.id = $3::uuid AND c.version = $5::integer AND c.archived_at IS NULL FOR UPDATE)
          ${precondition ? `AND EXISTS (SELECT 1 FROM ${PRECONDITION})` : ''}
        RETURNING id`,
      params: [
        id,
        config.environmentId,
        config.id,
        config.key,
        config.version,
        JSON.stringify(candidate),
        strategy,
        JSON.stringify(parameters),
        JSON.stringify(steps),
        first.percentage,
        nextStepAt,
        input.onGuardTrip ?? GuardTripAction.ROLLBACK,
        author.name,
        input.comment ?? null,
        at,
      ],
    };
    const deployment = { id, status: 'in_progress' as const, currentStep: 0 };
    let revision: number | null;
    try {
      revision = await this.changes.commitSide({
        environmentId: config.environmentId,
        action: ChangeAction.DEPLOYMENT_STARTED,
        config: { id: config.id, key: config.key, version: config.version, state: stable },
        write,
        before: { deployment: null },
        after: {
          deployment: {
            ...summary(deployment, first.percentage),
            strategy,
            steps,
            candidate,
          },
        },
        deployment: change(deployment, first.percentage, nextStepAt, candidate),
        activity: {
          claim: {
            configId: config.id,
            kind: 'deployment',
            id,
            environmentId: config.environmentId,
          },
        },
        author,
        comment: input.comment ?? null,
        clearance,
        precondition,
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        await this.configs.refuseTaken(config, {
          experiment: 'deploying',
          deployment: 'starting another',
        });
      }
      throw error;
    }
    if (revision === null) {
      // The config changed (or was archived) between reading and writing, or the
      // precondition no longer held.
      const now = await this.configs.findById(config.id);
      throw AppError.conflict(
        `Config "${config.key}" changed since version ${input.expectedVersion}; it is now at version ${now?.version ?? 'deleted'}`,
        { key: config.key, expectedVersion: input.expectedVersion, currentVersion: now?.version },
      );
    }
    const started = await this.find(id);
    if (steps.length > 1) return started;
    // A one-step plan (immediate) is complete as soon as it started.
    const completed = await this.tryComplete(
      author,
      started,
      0,
      { due: false, comment: null },
      clearance,
    );
    return completed ? this.find(id) : this.refuseStale(started, 'complete');
  }

  /**
   * The candidate (the input's fields over the config's state) and the plan a start would
   * take, checked: BAD_USER_INPUT with every problem at once.
   */
  plan(
    config: BusinessConfig,
    input: Omit<DeploymentRequest, 'expectedVersion'>,
  ): CheckedDeployment {
    const candidate = candidateState(toConfigState(config), input.candidate);
    const strategy: DeploymentStrategy = input.strategy ?? config.deploymentStrategy;
    const parameters = (input.parameters ??
      (strategy === config.deploymentStrategy ? config.deploymentConfig : {})) as Record<
      string,
      unknown
    >;
    const issues = prefixed('candidate', validateConfigState(candidate));
    // Its issues name `strategy` and `parameters.<name>`, as the input does.
    const plan = planDeployment({ strategy, parameters });
    if ('issues' in plan) issues.push(...plan.issues);
    if (issues.length > 0 || 'issues' in plan) {
      throw AppError.badInput(
        `The deployment of "${config.key}" is invalid: ${issues
          .slice(0, 5)
          .map((i) => `${i.path}: ${i.message}`)
          .join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`,
        issues,
      );
    }
    return { candidate, strategy, parameters, steps: plan.steps };
  }

  /** Holds the deployment at its current step: the split stays, the clock stops. */
  async pause(actor: Actor, input: DeploymentTransitionInput): Promise<ConfigDeployment> {
    await this.get(actor, input.id);
    return this.pauseAs(actor, input.id, input.comment ?? null, bypassOf(input));
  }

  /** Continues a paused deployment; its next step is due after the hold it had left. */
  async resume(actor: Actor, input: DeploymentTransitionInput): Promise<ConfigDeployment> {
    const deployment = await this.get(actor, input.id);
    const clearance = await this.clearFor(
      actor,
      deployment,
      ChangeOperation.RESUME_DEPLOYMENT,
      bypassOf(input),
    );
    return this.move(actor, input.id, input.comment ?? null, clearance, (current, at) => ({
      action: ChangeAction.DEPLOYMENT_RESUMED,
      from: ['paused'],
      to: 'in_progress',
      verb: 'resume',
      set: `status = 'in_progress', resumed_by = $5::text, next_step_at = $6::timestamptz,
        paused_at = NULL`,
      params: [actor.name, remainingHold(current, at)],
      nextStepAt: remainingHold(current, at),
    }));
  }

  /** The next step now, whatever the time left on this one. */
  async advance(actor: Actor, input: DeploymentTransitionInput): Promise<ConfigDeployment> {
    const deployment = await this.get(actor, input.id);
    const clearance = await this.clearFor(
      actor,
      deployment,
      ChangeOperation.ADVANCE_DEPLOYMENT,
      bypassOf(input),
    );
    this.assertStatus(deployment, ['in_progress'], 'advance');
    const outcome = await this.step(actor, deployment.id, deployment.currentStep + 1, {
      due: false,
      comment: input.comment ?? null,
      clearance,
    });
    if (!outcome.advanced) return this.refuseStale(deployment, 'advance');
    return outcome.deployment;
  }

  /** Ends an active deployment: everyone is served the stable state again, at once. */
  async rollback(actor: Actor, input: RollbackDeploymentInput): Promise<ConfigDeployment> {
    await this.get(actor, input.id);
    return this.rollbackAs(
      actor,
      input.id,
      input.reason,
      input.bypassApproval ? { comment: input.reason } : null,
    );
  }

  /** A rollback by a person or a guard, the reason recorded on the deployment and in history. */
  async rollbackAs(
    author: ChangeAuthor,
    id: string,
    reason: string,
    bypass: { comment: string | null | undefined } | null = null,
  ): Promise<ConfigDeployment> {
    const clearance = await this.clearFor(
      author,
      await this.find(id),
      ChangeOperation.ROLLBACK_DEPLOYMENT,
      bypass,
    );
    if (reason.trim() === '') {
      throw AppError.badInput('A rollback needs a reason', [
        { path: 'reason', rule: 'required', message: 'say why the deployment is rolled back' },
      ]);
    }
    return this.move(author, id, reason, clearance, () => ({
      action: ChangeAction.DEPLOYMENT_ROLLED_BACK,
      from: ACTIVE,
      to: 'rolled_back',
      verb: 'roll back',
      set: `status = 'rolled_back', rolled_back_by = $5::text, reason = $6::text,
        ended_at = $4::timestamptz, next_step_at = NULL, paused_at = NULL`,
      params: [author.name, reason],
      nextStepAt: null,
      reason,
    }));
  }

  /** A pause by a person or a guard; `reason` is recorded on the deployment and in history. */
  async pauseAs(
    author: ChangeAuthor,
    id: string,
    reason: string | null,
    bypass: { comment: string | null | undefined } | null = null,
  ): Promise<ConfigDeployment> {
    const clearance = await this.clearFor(
      author,
      await this.find(id),
      ChangeOperation.PAUSE_DEPLOYMENT,
      bypass,
    );
    return this.move(author, id, reason, clearance, () => ({
      action: ChangeAction.DEPLOYMENT_PAUSED,
      from: ['in_progress'],
      to: 'paused',
      verb: 'pause',
      set: `status = 'paused', paused_by = $5::text, paused_at = $4::timestamptz,
        reason = coalesce($6::text, reason)`,
      params: [author.name, reason],
      nextStepAt: null,
      reason,
    }));
  }

  /**
   * The progression's step: enters `expectedStep` only if the database still says it is the
   * next one and due (the deployment in progress at the step before, its hold over). Jobs,
   * their retries and the sweeper may all call it: one of them takes the step.
   */
  advanceIfDue(
    deploymentId: string,
    expectedStep: number,
    author: ChangeAuthor,
  ): Promise<AdvanceOutcome> {
    return this.step(author, deploymentId, expectedStep, { due: true, comment: null });
  }

  /** The approval gate's clearance for a write on a deployment's config. */
  private clearFor(
    author: ChangeAuthor,
    deployment: ConfigDeployment,
    operation: ChangeOperation,
    bypass: { comment: string | null | undefined } | null,
  ): Promise<Clearance> {
    return this.changes.clear({
      environmentId: deployment.environmentId,
      key: deployment.configKey,
      operation,
      author,
      bypass,
    });
  }

  /** Deployments in progress whose next step was due `graceMs` ago or earlier (the sweeper's). */
  async overdue(graceMs: number, limit: number): Promise<{ id: string; currentStep: number }[]> {
    const rows: { id: string; current_step: number }[] = await this.deployments.query(
      `SELECT id, current_step FROM config_deployment
       WHERE status = 'in_progress' AND next_step_at <= $1::timestamptz
       ORDER BY next_step_at LIMIT $2`,
      [new Date(Date.now() - graceMs), limit],
    );
    return rows.map((row) => ({ id: row.id, currentStep: row.current_step }));
  }

  /**
   * Takes step `expectedStep`; a person's advance brings its clearance, the progression's
   * steps are cleared here (a system writer, exempt by name).
   */
  private async step(
    author: ChangeAuthor,
    id: string,
    expectedStep: number,
    options: { due: boolean; comment: string | null; clearance?: Clearance },
  ): Promise<AdvanceOutcome> {
    let clearance = options.clearance;
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.findById(id);
      if (!isAt(current, expectedStep - 1) || expectedStep >= current.steps.length) {
        return { advanced: false };
      }
      const at = new Date();
      if (options.due && (!current.nextStepAt || current.nextStepAt > at)) {
        return { advanced: false, nextStepAt: current.nextStepAt ?? undefined };
      }
      clearance ??= await this.clearFor(author, current, ChangeOperation.STEP_DEPLOYMENT, null);
      const moved =
        expectedStep === current.steps.length - 1
          ? await this.tryComplete(author, current, expectedStep - 1, options, clearance)
          : await this.commitMove(author, current, options.comment, at, clearance, {
              ...this.stepMove(current, expectedStep, at),
              where: `current_step = ${expectedStep - 1}${options.due ? ' AND next_step_at <= $4::timestamptz' : ''}`,
            });
      if (moved) return { advanced: true, deployment: await this.find(id) };
      // Another caller took the step, or the config changed between reading and writing.
      if (!isAt(await this.findById(id), expectedStep - 1)) return { advanced: false };
      if (attempt >= TRANSITION_ATTEMPTS) return this.refuseStale(current, 'advance');
    }
  }

  private stepMove(current: ConfigDeployment, step: number, at: Date): Move {
    const next = current.steps[step];
    const nextStepAt = new Date(at.getTime() + next.holdSeconds * 1000);
    return {
      action: ChangeAction.DEPLOYMENT_STEP,
      from: ['in_progress'],
      to: 'in_progress',
      verb: 'advance',
      set: `current_step = $5::integer, current_percentage = $6::numeric,
        next_step_at = $7::timestamptz`,
      params: [step, next.percentage, nextStepAt],
      step,
      nextStepAt,
    };
  }

  /**
   * The last step, through the one change path: one statement marks the deployment completed
   * and writes the candidate as the config's state (one history entry, one outbox event,
   * version + 1), or does neither. Null when the deployment or the config moved on.
   */
  private async tryComplete(
    author: ChangeAuthor,
    deployment: ConfigDeployment,
    fromStep: number,
    options: { due: boolean; comment: string | null },
    clearance: Clearance,
  ): Promise<boolean> {
    const config = await this.configById(deployment);
    const last = deployment.steps.length - 1;
    const precondition = {
      sql: `UPDATE config_deployment SET status = 'completed', current_step = $2::integer,
          current_percentage = 100, next_step_at = NULL, ended_at = $6::timestamptz,
          updated_at = $6::timestamptz
        WHERE id = $1::uuid AND status = 'in_progress' AND current_step = $5::integer
          ${options.due ? 'AND next_step_at <= $6::timestamptz' : ''}
          AND EXISTS (SELECT 1 FROM business_config c
            WHERE c.id = $3::uuid AND c.version = $4::integer FOR UPDATE)
        RETURNING id`,
      params: [deployment.id, last, config.id, config.version, fromStep, new Date()],
      refusal: `Deployment ${deployment.id} of "${config.key}" changed while it was being completed`,
    };
    const completed = { id: deployment.id, status: 'completed' as const, currentStep: last };
    try {
      await this.changes.commit({
        environmentId: deployment.environmentId,
        action: ChangeAction.DEPLOYMENT_COMPLETED,
        key: config.key,
        current: { id: config.id, version: config.version, state: toConfigState(config) },
        next: { ...deployment.candidate, archived: false },
        author,
        comment: options.comment ?? `Deployment ${deployment.id} completed`,
        precondition,
        deployment: change(completed, 100, null, null),
        activity: { release: { configId: config.id, id: deployment.id } },
        clearance,
      });
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.Conflict) return false;
      throw error;
    }
    return true;
  }

  /** A status change through `commitSide`, retried when the config changed meanwhile. */
  private async move(
    author: ChangeAuthor,
    id: string,
    comment: string | null,
    clearance: Clearance,
    build: (current: ConfigDeployment, at: Date) => Move,
  ): Promise<ConfigDeployment> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.find(id);
      const at = new Date();
      const move = build(current, at);
      this.assertStatus(current, move.from, move.verb);
      if (await this.commitMove(author, current, comment, at, clearance, move)) {
        return this.find(id);
      }
      const now = await this.find(id);
      this.assertStatus(now, move.from, move.verb);
      if (attempt >= TRANSITION_ATTEMPTS) return this.refuseStale(current, move.verb);
    }
  }

  /**
   * Writes a move ($1 deployment id, $2 config id, $3 config version, $4 the time, then the
   * move's own parameters) with its history entry and event. False when nothing matched.
   */
  private async commitMove(
    author: ChangeAuthor,
    current: ConfigDeployment,
    comment: string | null,
    at: Date,
    clearance: Clearance,
    move: Move,
  ): Promise<boolean> {
    const config = await this.configById(current);
    const step = move.step ?? current.currentStep;
    const percentage = current.steps[step]?.percentage ?? current.currentPercentage;
    const from = move.from.map((status) => `'${status}'`).join(', ');
    const write: Statement = {
      sql: `UPDATE config_deployment SET ${move.set}, updated_at = $4::timestamptz
        WHERE id = $1::uuid AND status IN (${from}) ${move.where ? `AND ${move.where}` : ''}
          AND EXISTS (SELECT 1 FROM business_config c
            WHERE c.id = $2::uuid AND c.version = $3::integer FOR UPDATE)
        RETURNING id`,
      params: [current.id, config.id, config.version, at, ...move.params],
    };
    const after = { id: current.id, status: move.to, currentStep: step };
    const ended = !ACTIVE.includes(move.to);
    const revision = await this.changes.commitSide({
      environmentId: current.environmentId,
      action: move.action,
      config: {
        id: config.id,
        key: config.key,
        version: config.version,
        state: toConfigState(config),
      },
      write,
      before: { deployment: summary(current, current.currentPercentage) },
      after: {
        deployment: {
          ...summary(after, percentage),
          ...(move.reason ? { reason: move.reason } : {}),
        },
      },
      deployment: change(after, percentage, move.nextStepAt, ended ? null : current.candidate),
      ...(ended && { activity: { release: { configId: config.id, id: current.id } } }),
      author,
      comment,
      clearance,
    });
    return revision !== null;
  }

  /** The deployment with this id; NOT_FOUND otherwise. */
  async find(id: string): Promise<ConfigDeployment> {
    const deployment = await this.findById(id);
    if (!deployment) throw AppError.notFound(`Deployment ${id}`, { id });
    return deployment;
  }

  private async configById(deployment: ConfigDeployment): Promise<BusinessConfig> {
    const config = await this.configs.findById(deployment.configId);
    if (!config) {
      throw AppError.notFound(`Config "${deployment.configKey}"`, { key: deployment.configKey });
    }
    return config;
  }

  private async assertScope(actor: Actor, deployment: ConfigDeployment): Promise<void> {
    if (!actor.environmentId || actor.environmentId === deployment.environmentId) return;
    const environment = await this.environments.findById(deployment.environmentId);
    assertEnvironmentScope(actor, { id: deployment.environmentId, key: environment?.key ?? '' });
  }

  private assertStatus(
    deployment: ConfigDeployment,
    allowed: readonly DeploymentStatus[],
    verb: string,
  ): void {
    if (allowed.includes(deployment.status)) return;
    throw AppError.conflict(
      `Cannot ${verb} deployment ${deployment.id} of "${deployment.configKey}": it is ${deployment.status} (allowed from ${allowed.join(' or ')})`,
      { id: deployment.id, status: deployment.status },
    );
  }

  private async refuseStale(deployment: ConfigDeployment, verb: string): Promise<never> {
    const now = await this.find(deployment.id);
    throw AppError.conflict(
      `Deployment ${deployment.id} of "${deployment.configKey}" changed while trying to ${verb} it; it is now ${now.status} at step ${now.currentStep}`,
      { id: deployment.id, status: now.status, currentStep: now.currentStep },
    );
  }
}

/** The candidate: the input's fields over the stable state (type and constraints stay). */
function candidateState(stable: ConfigState, input: DeploymentCandidateInput): ConfigState {
  return { ...draft(input, stable), archived: false };
}

function summary(
  deployment: { id: string; status: DeploymentStatus; currentStep: number },
  percentage: number,
) {
  return {
    id: deployment.id,
    status: deployment.status,
    step: deployment.currentStep,
    percentage,
  };
}

function change(
  deployment: { id: string; status: DeploymentStatus; currentStep: number },
  percentage: number,
  nextStepAt: Date | null,
  candidate: ConfigState | null,
): DeploymentChange {
  return {
    id: deployment.id,
    status: deployment.status,
    currentStep: deployment.currentStep,
    percentage,
    nextStepAt: nextStepAt?.toISOString() ?? null,
    active: candidate && { id: deployment.id, percentage, candidate },
  };
}

/** In progress at `step`: the only state from which the step after it may be taken. */
function isAt(deployment: ConfigDeployment | null, step: number): deployment is ConfigDeployment {
  return deployment?.status === 'in_progress' && deployment.currentStep === step;
}

/** A resume's next step time: the hold that was left when it paused, from now. */
function remainingHold(deployment: ConfigDeployment, at: Date): Date {
  const left =
    deployment.nextStepAt && deployment.pausedAt
      ? Math.max(0, deployment.nextStepAt.getTime() - deployment.pausedAt.getTime())
      : 0;
  return new Date(at.getTime() + left);
}
