import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Actor, ChangeAuthor } from '../../core/auth/actor';
import { isUniqueViolation } from '../../core/database/database-errors';
import { AppError } from '../../core/errors/app-error';
import { Connection, decodeCursor, PageArgs, toConnection } from '../../core/graphql/pagination';
import { ValueConstraints } from '../../engine/config-state';
import { BUCKETS } from '../../engine/bucketing';
import { compileStickiness, DEFAULT_STICKINESS } from '../../engine/evaluation/compile-config';
import {
  assignExperimentVariant,
  inExperimentTraffic,
  variantAtBucket,
} from '../../engine/evaluation/experiment';
import { ExperimentVariant, RunningExperiment } from '../../engine/experiment-state';
import { CONFIG_KEY, validateValue } from '../../engine/validate';
import { BusinessConfig } from '../configs/business-config.entity';
import { ChangeOperation, Clearance } from '../configs/change-approval';
import { PRECONDITION, Statement } from '../configs/change-statement';
import { ConfigChangeService } from '../configs/config-change.service';
import { toConfigState } from '../configs/config-state.mapper';
import { ConfigsService } from '../configs/configs.service';
import { bypassOf } from '../configs/dto/config.inputs';
import { EnvironmentsService } from '../environments/environments.service';
import { EvaluationSnapshots } from '../evaluation/evaluation-snapshots.service';
import { EvaluationService } from '../evaluation/evaluation.service';
import { ChangeAction } from '../history/config-change-log.entity';
import {
  AssignVariantInput,
  CompleteExperimentInput,
  CreateExperimentInput,
  ExperimentFieldsInput,
  ExperimentTransitionInput,
  UpdateExperimentInput,
} from './dto/experiment.inputs';
import {
  Experiment,
  ExperimentMetric,
  ExperimentStatus,
  ExperimentTransition,
} from './experiment.entity';
import { ExperimentFields, validateExperiment } from './experiment-validation';
import { toRunningExperiment } from './running-experiment.mapper';
import { assertContextObject } from '../evaluation/evaluation-context.util';
import { clipped } from '../../core/graphql/input-checks';

/** A transition retried when a config edit landed between reading and writing. */
const TRANSITION_ATTEMPTS = 3;

interface Transition {
  from: readonly ExperimentStatus[];
  to: ExperimentStatus;
  action: ChangeAction;
  verb: string;
  /** What the approval gate is asked for it. */
  operation: ChangeOperation;
}

/** How a transition is written: by whom, cleared by the gate, with an approval's precondition. */
interface TransitionWrite {
  author: ChangeAuthor;
  comment: string | null;
  clearance: Clearance;
  precondition?: Statement;
}

/** A completion: the winner (if any) and whether its value becomes the config's. */
export interface Completion {
  winner?: string | null;
  promoteWinner?: boolean;
}

const START: Transition = {
  from: [ExperimentStatus.DRAFT],
  to: ExperimentStatus.RUNNING,
  action: ChangeAction.EXPERIMENT_STARTED,
  verb: 'start',
  operation: ChangeOperation.START_EXPERIMENT,
};
const PAUSE: Transition = {
  from: [ExperimentStatus.RUNNING],
  to: ExperimentStatus.PAUSED,
  action: ChangeAction.EXPERIMENT_STOPPED,
  verb: 'pause',
  operation: ChangeOperation.PAUSE_EXPERIMENT,
};
const RESUME: Transition = {
  from: [ExperimentStatus.PAUSED],
  to: ExperimentStatus.RUNNING,
  action: ChangeAction.EXPERIMENT_STARTED,
  verb: 'resume',
  operation: ChangeOperation.RESUME_EXPERIMENT,
};
const COMPLETE: Transition = {
  from: [ExperimentStatus.RUNNING, ExperimentStatus.PAUSED],
  to: ExperimentStatus.COMPLETED,
  action: ChangeAction.EXPERIMENT_STOPPED,
  verb: 'complete',
  operation: ChangeOperation.STOP_EXPERIMENT,
};

/** An experiment as it ran at a past time (`asRunAt`). */
export interface ExperimentAsRun {
  experiment: Experiment;
  /** As the engine runs it; a random one holds only the subject's assignment stored by then. */
  running: RunningExperiment;
  /** When the subject's random assignment was stored; null when none was by then. */
  assignedAt: Date | null;
}

export interface AssignedVariant {
  experimentKey: string;
  variant: ExperimentVariant | null;
  value: unknown;
}

function constraintsOf(config: BusinessConfig): ValueConstraints {
  return {
    minValue: config.minValue,
    maxValue: config.maxValue,
    minLength: config.minLength,
    maxLength: config.maxLength,
    pattern: config.pattern,
    allowedValues: config.allowedValues,
    validationSchema: config.validationSchema,
  };
}

/**
 * Experiments on configs (docs/experiments.md): storage, validation, the lifecycle — whose
 * start, pause, resume and completion go through the config change path — and `random`
 * assignment.
 */
@Injectable()
export class ExperimentsService {
  constructor(
    @InjectRepository(Experiment) private readonly experiments: Repository<Experiment>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly environments: EnvironmentsService,
    private readonly configs: ConfigsService,
    private readonly changes: ConfigChangeService,
    private readonly evaluation: EvaluationService,
    private readonly snapshots: EvaluationSnapshots,
  ) {}

  /** The environment's experiment with this key, whatever its status. */
  findByKey(environmentId: string, key: string): Promise<Experiment | null> {
    return this.experiments.findOneBy({ environmentId, key });
  }

  /** The environment's experiment with this key if it is running. */
  findRunningByKey(environmentId: string, key: string): Promise<Experiment | null> {
    return this.experiments.findOneBy({ environmentId, key, status: ExperimentStatus.RUNNING });
  }

  findById(id: string): Promise<Experiment | null> {
    return this.experiments.findOneBy({ id });
  }

  async get(actor: Actor, environmentKey: string, key: string): Promise<Experiment> {
    const environment = await this.environments.resolveForActor(actor, environmentKey);
    return this.find(environment.id, key);
  }

  /** An environment's experiments by key, optionally of one status. */
  async list(
    actor: Actor,
    environmentKey: string,
    status: ExperimentStatus | undefined,
    page: PageArgs,
  ): Promise<Connection<Experiment>> {
    const environment = await this.environments.resolveForActor(actor, environmentKey);
    const after = decodeCursor(page.after, (sort) => CONFIG_KEY.test(sort));
    const query = this.experiments
      .createQueryBuilder('e')
      .where('e.environment_id = :environmentId', { environmentId: environment.id })
      // Byte order, whatever the database's collation, so pages and cursors agree everywhere.
      .orderBy('e.key COLLATE "C"', 'ASC')
      .limit(page.first + 1);
    if (status) query.andWhere('e.status = :status', { status });
    if (after) query.andWhere('e.key COLLATE "C" > :key', { key: after.sort });
    const rows = await query.getMany();
    return toConnection(rows, page.first, (e) => ({ sort: e.key, id: e.id }));
  }

  async create(actor: Actor, input: CreateExperimentInput): Promise<Experiment> {
    const environment = await this.environments.resolveForActor(actor, input.environment);
    const config = await this.configs.get(actor, input.environment, input.configKey);
    const fields = this.fieldsOf(input, {
      key: input.key,
      name: input.name ?? input.key,
      hypothesis: '',
      variants: undefined,
      trafficPercentage: 100,
      assignment: 'consistent',
      targeting: null,
      primaryMetric: undefined,
      secondaryMetrics: [],
      sequentialTuning: 5000,
    });
    this.assertValid(fields, config);
    const experiment = this.experiments.create({
      ...(fields as Partial<Experiment>),
      environmentId: environment.id,
      configId: config.id,
      configKey: config.key,
      sequential: input.sequential ?? false,
      status: ExperimentStatus.DRAFT,
      transitions: [this.transition(actor, null, ExperimentStatus.DRAFT)],
      runWindows: [],
      updatedBy: actor.name,
    });
    try {
      await this.experiments.insert(experiment as never);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw AppError.conflict(`Experiment "${input.key}" already exists in this environment`, {
          key: input.key,
        });
      }
      throw error;
    }
    return this.find(environment.id, input.key);
  }

  /** Changes a draft; a started experiment's variants, weights and traffic are frozen. */
  async update(actor: Actor, input: UpdateExperimentInput): Promise<Experiment> {
    const environment = await this.environments.resolveForActor(actor, input.environment);
    const current = await this.find(environment.id, input.key);
    this.assertStatus(current, [ExperimentStatus.DRAFT], 'change');
    const config = await this.configById(current);
    const fields = this.fieldsOf(input, {
      key: current.key,
      name: current.name,
      hypothesis: current.hypothesis,
      variants: current.variants,
      trafficPercentage: current.trafficPercentage,
      assignment: current.assignment,
      targeting: current.targeting,
      primaryMetric: current.primaryMetric,
      secondaryMetrics: current.secondaryMetrics,
      sequentialTuning: current.sequentialTuning,
    });
    this.assertValid(fields, config);
    const result = await this.experiments.update(
      { id: current.id, status: ExperimentStatus.DRAFT },
      {
        ...(fields as Partial<Experiment>),
        sequential: input.sequential ?? current.sequential,
        updatedBy: actor.name,
      } as never,
    );
    if (!result.affected) return this.refuseStale(current, 'change');
    return this.find(environment.id, input.key);
  }

  async start(actor: Actor, input: ExperimentTransitionInput): Promise<Experiment> {
    return this.transitionBy(actor, input, START);
  }

  async pause(actor: Actor, input: ExperimentTransitionInput): Promise<Experiment> {
    return this.transitionBy(actor, input, PAUSE);
  }

  async resume(actor: Actor, input: ExperimentTransitionInput): Promise<Experiment> {
    return this.transitionBy(actor, input, RESUME);
  }

  /**
   * Starts a draft for `author` (the apply of an approved change request, whose
   * `precondition` runs in the same statement as the start).
   */
  startAs(environmentId: string, key: string, write: TransitionWrite): Promise<Experiment> {
    return this.move(environmentId, key, START, write);
  }

  /**
   * Completes a running or paused experiment, recording the winner; with `promoteWinner`, the
   * winner's value then becomes the config's value through the change path (a new version).
   */
  async complete(
    actor: Actor,
    input: CompleteExperimentInput,
  ): Promise<{ experiment: Experiment; configVersion: number | null }> {
    const operation = input.winner
      ? ChangeOperation.COMPLETE_EXPERIMENT
      : ChangeOperation.STOP_EXPERIMENT;
    const { environmentId, write } = await this.personWrite(actor, input, operation);
    return this.completeAs(environmentId, input.key, input, write);
  }

  /** The winner a completion names, checked (and its value, when it is to be promoted). */
  async checkCompletion(
    experiment: Experiment,
    completion: Completion,
  ): Promise<ExperimentVariant | undefined> {
    const winner = completion.winner ?? null;
    const variant = winner === null ? undefined : experiment.variants.find((v) => v.key === winner);
    if (winner !== null && !variant) {
      throw AppError.badInput(`Experiment "${experiment.key}" has no variant "${winner}"`, [
        {
          path: 'winner',
          rule: 'variant',
          message: `must be one of the experiment's variant keys`,
        },
      ]);
    }
    if (completion.promoteWinner && !variant) {
      throw AppError.badInput('promoteWinner needs a winner', [
        { path: 'winner', rule: 'required', message: 'name the variant to promote' },
      ]);
    }
    if (variant && completion.promoteWinner) {
      const config = await this.configById(experiment);
      const issues = validateValue(
        variant.value,
        config.valueType,
        constraintsOf(config),
        'winner',
      );
      if (issues.length > 0) {
        throw AppError.badInput(
          `The winner's value no longer fits config "${config.key}": ${issues[0].message}`,
          issues,
        );
      }
    }
    return variant;
  }

  /** A completion by `author`, as `complete` (an approved change request's apply, too). */
  async completeAs(
    environmentId: string,
    key: string,
    completion: Completion,
    write: TransitionWrite,
  ): Promise<{ experiment: Experiment; configVersion: number | null }> {
    const current = await this.find(environmentId, key);
    const variant = await this.checkCompletion(current, completion);
    const experiment = await this.move(environmentId, key, COMPLETE, write, variant?.key ?? null);
    if (!variant || !completion.promoteWinner) return { experiment, configVersion: null };
    const config = await this.configById(current);
    const state = toConfigState(config);
    const promoted = await this.changes.commit({
      environmentId,
      action: ChangeAction.UPDATE,
      key: config.key,
      current: { id: config.id, version: config.version, state },
      next: { ...state, value: variant.value },
      author: write.author,
      comment: write.comment ?? `Winner "${variant.key}" of experiment "${current.key}" promoted`,
      clearance: write.clearance,
    });
    return { experiment, configVersion: promoted.version };
  }

  /** What a start needs of a draft now: its status, its config free and its values valid. */
  async checkStartable(environmentId: string, key: string): Promise<Experiment> {
    const experiment = await this.find(environmentId, key);
    this.assertStatus(experiment, START.from, START.verb);
    await this.assertStartable(experiment, await this.configById(experiment));
    return experiment;
  }

  /** Archives a completed (or never started) experiment; nothing serves it any more. */
  async archive(actor: Actor, input: { environment: string; key: string }): Promise<Experiment> {
    const environment = await this.environments.resolveForActor(actor, input.environment);
    const current = await this.find(environment.id, input.key);
    const from = [ExperimentStatus.DRAFT, ExperimentStatus.COMPLETED];
    this.assertStatus(current, from, 'archive');
    const result = await this.dataSource.query(
      `UPDATE experiment SET status = 'archived', transitions = transitions || $1::jsonb,
         updated_at = now(), updated_by = $2
       WHERE id = $3 AND status = $4 RETURNING id`,
      [
        JSON.stringify([this.transition(actor, current.status, ExperimentStatus.ARCHIVED)]),
        actor.name,
        current.id,
        current.status,
      ],
    );
    if (result.length === 0) return this.refuseStale(current, 'archive');
    return this.find(environment.id, input.key);
  }

  /** Deletes a draft (an experiment that ever ran keeps its record: archive it). */
  async delete(actor: Actor, input: { environment: string; key: string }): Promise<string> {
    const environment = await this.environments.resolveForActor(actor, input.environment);
    const current = await this.find(environment.id, input.key);
    this.assertStatus(current, [ExperimentStatus.DRAFT], 'delete');
    const result = await this.experiments.delete({
      id: current.id,
      status: ExperimentStatus.DRAFT,
    });
    if (!result.affected) return this.refuseStale(current, 'delete');
    return current.id;
  }

  /**
   * The experiment `key` of config `configId` as it ran at `at` (a started experiment's
   * variants, weights, traffic and targeting are frozen, so its record says how it ran), with,
   * for a random one, the assignment stored for `subject` at or before `at` (to the
   * millisecond, as history times are). Null when no such record is left: an experiment is
   * deleted with its config, and its key may since name another config's.
   */
  async asRunAt(
    environmentId: string,
    key: string,
    configId: string,
    subject: string | undefined,
    at: Date,
  ): Promise<ExperimentAsRun | null> {
    const experiment = await this.findByKey(environmentId, key);
    if (!experiment || experiment.configId !== configId) return null;
    const running = toRunningExperiment(experiment);
    if (experiment.assignment !== 'random') return { experiment, running, assignedAt: null };
    const [stored]: { variant_key: string; assigned_at: Date }[] =
      subject === undefined
        ? []
        : await this.dataSource.query(
            `SELECT variant_key, assigned_at FROM experiment_assignment
             WHERE experiment_id = $1 AND subject = $2
               AND date_trunc('milliseconds', assigned_at) <= $3::timestamptz`,
            [experiment.id, subject, at],
          );
    return {
      experiment,
      running: {
        ...running,
        assignments: new Map(
          stored && subject !== undefined ? [[subject, stored.variant_key]] : [],
        ),
      },
      assignedAt: stored?.assigned_at ?? null,
    };
  }

  /**
   * The variant a subject gets in a running experiment. consistent and targeting compute it
   * (the engine's bucketing); random draws one, stores it — the first stored wins, under the
   * primary key — and answers what is stored, then serves it from every snapshot.
   */
  async assignVariant(actor: Actor, input: AssignVariantInput): Promise<AssignedVariant> {
    assertContextObject(input.context, 'input.context');
    const snapshot = await this.evaluation.snapshotFor(actor, input.environment);
    const experiment = await this.findRunningByKey(snapshot.environmentId, input.experimentKey);
    if (!experiment) {
      throw AppError.notFound(`Running experiment "${input.experimentKey}"`, {
        key: input.experimentKey,
      });
    }
    const config = await this.configById(experiment);
    const stickiness = compileStickiness(
      config.stickiness ? [config.stickiness] : DEFAULT_STICKINESS,
    );
    const subject = stickiness(input.context);
    const running = toRunningExperiment(experiment);
    const outside = { experimentKey: experiment.key, variant: null, value: null };
    let variant: ExperimentVariant | null;
    if (experiment.assignment !== 'random') {
      variant = assignExperimentVariant(running, input.context, subject);
    } else {
      if (subject === undefined || !inExperimentTraffic(running, subject)) return outside;
      // Served from the snapshot's cache when this instance has the stored assignment.
      const attached = snapshot.experimentOf(experiment.configKey);
      const cached =
        attached?.id === experiment.id ? attached.assignments?.get(subject) : undefined;
      variant =
        experiment.variants.find((v) => v.key === cached) ??
        (await this.storedDraw(experiment, subject));
    }
    return variant ? { experimentKey: experiment.key, variant, value: variant.value } : outside;
  }

  private async storedDraw(
    experiment: Experiment,
    subject: string,
  ): Promise<ExperimentVariant | null> {
    const drawn = variantAtBucket(experiment.variants, randomInt(BUCKETS));
    await this.dataSource.query(
      `INSERT INTO experiment_assignment (experiment_id, subject, variant_key)
       VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [experiment.id, subject, drawn.key],
    );
    const [stored]: { variant_key: string }[] = await this.dataSource.query(
      'SELECT variant_key FROM experiment_assignment WHERE experiment_id = $1 AND subject = $2',
      [experiment.id, subject],
    );
    if (!stored) return null; // the experiment was deleted meanwhile
    await this.snapshots.recordAssignment({
      experimentId: experiment.id,
      subject,
      variantKey: stored.variant_key,
    });
    return experiment.variants.find((v) => v.key === stored.variant_key) ?? null;
  }

  /** A person's transition: scope, then the approval gate, then the move. */
  private async transitionBy(
    actor: Actor,
    input: ExperimentTransitionInput,
    transition: Transition,
  ): Promise<Experiment> {
    const { environmentId, write } = await this.personWrite(actor, input, transition.operation);
    return this.move(environmentId, input.key, transition, write);
  }

  /** A person's transition as the change path takes it: scope, then the approval gate. */
  private async personWrite(
    actor: Actor,
    input: ExperimentTransitionInput,
    operation: ChangeOperation,
  ): Promise<{ environmentId: string; write: TransitionWrite }> {
    const environment = await this.environments.resolveForActor(actor, input.environment);
    const current = await this.find(environment.id, input.key);
    const clearance = await this.changes.clear({
      environmentId: environment.id,
      key: current.configKey,
      operation,
      author: actor,
      bypass: bypassOf(input),
    });
    return {
      environmentId: environment.id,
      write: { author: actor, comment: input.comment ?? null, clearance },
    };
  }

  /** A status change through the config change path: history, revision, outbox, snapshots. */
  private async move(
    environmentId: string,
    key: string,
    transition: Transition,
    write: TransitionWrite,
    winner: string | null = null,
  ): Promise<Experiment> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.find(environmentId, key);
      this.assertStatus(current, transition.from, transition.verb);
      const config = await this.configById(current);
      if (transition.to === ExperimentStatus.RUNNING) await this.assertStartable(current, config);
      const revision = await this.commitTransition(write, transition, current, config, winner);
      if (revision !== null) return this.find(environmentId, key);
      const now = await this.find(environmentId, key);
      this.assertStatus(now, transition.from, transition.verb);
      // The config changed between reading and writing: read it again. A precondition that
      // no longer holds is the caller's to explain.
      if (attempt >= TRANSITION_ATTEMPTS || write.precondition) {
        return this.refuseStale(current, transition.verb);
      }
    }
  }

  private async commitTransition(
    { author, comment, clearance, precondition }: TransitionWrite,
    transition: Transition,
    current: Experiment,
    config: BusinessConfig,
    winner: string | null,
  ): Promise<number | null> {
    const at = new Date().toISOString();
    const { to } = transition;
    const entry = this.transition(author, current.status, to, at);
    const write = {
      sql: `UPDATE experiment SET status = $1::text, winner = $2::text,
        transitions = transitions || $3::jsonb,
        run_windows = CASE
          WHEN $1::text = 'running'
            THEN run_windows || jsonb_build_array(jsonb_build_object('start', $4::text, 'end', null))
          WHEN $5::text = 'running' AND jsonb_array_length(run_windows) > 0
            THEN jsonb_set(run_windows, ARRAY[(jsonb_array_length(run_windows) - 1)::text, 'end'],
              to_jsonb($4::text))
          ELSE run_windows END,
        started_at = CASE WHEN $1::text = 'running' THEN coalesce(started_at, $4::timestamptz)
          ELSE started_at END,
        stopped_at = CASE WHEN $1::text = 'completed' THEN $4::timestamptz ELSE stopped_at END,
        updated_at = $4::timestamptz, updated_by = $6::text
      WHERE id = $7::uuid AND status = $5::text AND EXISTS (
        SELECT 1 FROM business_config c WHERE c.id = $8::uuid AND c.version = $9::integer FOR UPDATE)
        ${precondition ? `AND EXISTS (SELECT 1 FROM ${PRECONDITION})` : ''}
      RETURNING id`,
      params: [
        to,
        winner,
        JSON.stringify([entry]),
        at,
        current.status,
        author.name,
        current.id,
        config.id,
        config.version,
      ],
    };
    const summary = (status: ExperimentStatus) => ({
      experiment: {
        key: current.key,
        status,
        ...(winner !== null && status === to ? { winner } : {}),
      },
    });
    try {
      return await this.changes.commitSide({
        environmentId: current.environmentId,
        action: transition.action,
        config: {
          id: config.id,
          key: config.key,
          version: config.version,
          state: toConfigState(config),
        },
        write,
        before: summary(current.status),
        after: summary(to),
        experiment: {
          id: current.id,
          key: current.key,
          status: to,
          running: to === ExperimentStatus.RUNNING ? toRunningExperiment(current) : null,
        },
        activity:
          to === ExperimentStatus.RUNNING
            ? {
                claim: {
                  configId: config.id,
                  kind: 'experiment',
                  id: current.id,
                  environmentId: current.environmentId,
                },
              }
            : current.status === ExperimentStatus.RUNNING
              ? { release: { configId: config.id, id: current.id } }
              : undefined,
        author,
        comment,
        clearance,
        precondition,
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        // Lost a race: to another start of this experiment, or to whatever holds the config.
        this.assertStatus(
          await this.find(current.environmentId, current.key),
          transition.from,
          transition.verb,
        );
        await this.assertStartable(current, config);
        await this.configs.refuseTaken(config, {
          experiment: 'starting another',
          deployment: 'running an experiment on it',
        });
      }
      throw error;
    }
  }

  /**
   * What a start or resume needs: the config not archived, no other experiment running on
   * it, no active deployment, and the variants' values still valid for the config (its
   * constraints may have changed since the draft).
   */
  private async assertStartable(experiment: Experiment, config: BusinessConfig): Promise<void> {
    if (config.archivedAt !== null) {
      throw AppError.conflict(
        `Config "${config.key}" is archived; unarchive it to run an experiment`,
        {
          key: config.key,
        },
      );
    }
    const other = await this.experiments.findOneBy({
      configId: config.id,
      status: ExperimentStatus.RUNNING,
    });
    if (other && other.id !== experiment.id) {
      throw AppError.conflict(
        `Experiment "${other.key}" is already running on config "${config.key}"`,
        { key: config.key, runningExperiment: other.key },
      );
    }
    await this.configs.assertNoActiveDeployment(config, 'running an experiment on it');
    const issues = experiment.variants.flatMap((variant, i) =>
      validateValue(variant.value, config.valueType, constraintsOf(config), `variants[${i}].value`),
    );
    if (issues.length > 0) {
      throw AppError.badInput(
        `Experiment "${experiment.key}" no longer fits config "${config.key}": ${issues[0].path}: ${issues[0].message}`,
        issues,
      );
    }
  }

  private async find(environmentId: string, key: string): Promise<Experiment> {
    const experiment = await this.findByKey(environmentId, key);
    if (!experiment) {
      const shown = clipped(key);
      throw AppError.notFound(`Experiment "${shown}"`, { key: shown });
    }
    return experiment;
  }

  private async configById(experiment: Experiment): Promise<BusinessConfig> {
    const config = await this.configs.findById(experiment.configId);
    if (!config)
      throw AppError.notFound(`Config "${experiment.configKey}"`, { key: experiment.configKey });
    return config;
  }

  private assertStatus(
    experiment: Experiment,
    allowed: readonly ExperimentStatus[],
    verb: string,
  ): void {
    if (allowed.includes(experiment.status)) return;
    const frozen =
      verb === 'change' && experiment.status === ExperimentStatus.RUNNING
        ? ': variants, weights and traffic are frozen while it runs'
        : '';
    throw AppError.conflict(
      `Cannot ${verb} experiment "${experiment.key}": it is ${experiment.status} (allowed from ${allowed.join(' or ')})${frozen}`,
      { key: experiment.key, status: experiment.status },
    );
  }

  private async refuseStale(experiment: Experiment, verb: string): Promise<never> {
    const now = await this.find(experiment.environmentId, experiment.key);
    throw AppError.conflict(
      `Experiment "${experiment.key}" changed while it was being ${verb}d; it is now ${now.status}`,
      { key: experiment.key, status: now.status },
    );
  }

  private transition(
    actor: ChangeAuthor,
    from: ExperimentStatus | null,
    to: ExperimentStatus,
    at = new Date().toISOString(),
  ): ExperimentTransition {
    return {
      from,
      to,
      at,
      actorId: actor.id ?? null,
      actorName: actor.name,
      actorKind: actor.kind,
    };
  }

  /** Stored fields after the input's: `base` holds the defaults or the current values. */
  private fieldsOf(input: ExperimentFieldsInput, base: ExperimentFields): ExperimentFields {
    return {
      key: base.key,
      name: input.name ?? base.name,
      hypothesis: input.hypothesis ?? base.hypothesis,
      variants:
        input.variants?.map((v) => ({
          key: v.key,
          name: v.name ?? v.key,
          value: v.value ?? null,
          weight: v.weight,
          control: v.control ?? false,
        })) ?? base.variants,
      trafficPercentage: input.trafficPercentage ?? base.trafficPercentage,
      assignment: input.assignment ?? base.assignment,
      targeting: input.targeting !== undefined ? input.targeting : base.targeting,
      primaryMetric: input.primaryMetric ? { ...input.primaryMetric } : base.primaryMetric,
      secondaryMetrics:
        input.secondaryMetrics?.map((m): ExperimentMetric => ({ ...m })) ?? base.secondaryMetrics,
      sequentialTuning: input.sequentialTuning ?? base.sequentialTuning,
    };
  }

  private assertValid(fields: ExperimentFields, config: BusinessConfig): void {
    const issues = validateExperiment(fields, {
      valueType: config.valueType,
      constraints: constraintsOf(config),
    });
    if (issues.length === 0) return;
    throw AppError.badInput(
      `Experiment "${fields.key}" is invalid: ${issues
        .slice(0, 5)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`,
      issues,
    );
  }
}
