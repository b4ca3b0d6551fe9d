import { Inject, Injectable, Optional } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { ConfigState } from '../../engine/config-state';
import { ActiveDeployment, DeploymentStatus } from '../../engine/deployment-state';
import {
  compileExplainer,
  DeploymentExplanation,
  ExplainStep,
} from '../../engine/evaluation/explain';
import { EvaluationResult, flagNotFound } from '../../engine/evaluation/result';
import { compileStickiness, stickinessPaths } from '../../engine/evaluation/stickiness';
import { AssignmentType, RunningExperiment } from '../../engine/experiment-state';
import { EnvironmentsService } from '../environments/environments.service';
import { ExperimentsService } from '../experiments/experiments.service';
import { ChangeAction, ConfigChangeLog } from '../history/config-change-log.entity';
import { HistoryService } from '../history/history.service';
import { ExplainServedArgs, ServedConfigStateType } from './dto/explain-served.types';
import { assertContextObject } from './evaluation-context.util';
import {
  activeDeploymentOf,
  DEPLOYMENT_ACTIONS,
  EXPERIMENT_ACTIONS,
  runningExperimentKeyOf,
  startedCandidate,
} from './served-activity.util';

/**
 * Where the fetch log (issue 11, item 4) plugs in once it is built: the subject's sampled
 * fetch records around a time. Until a module provides it, answers carry null, not an
 * empty list, so "not sampled" is never claimed.
 */
export interface ServedFetchLogReader {
  around(environmentId: string, key: string, context: object, at: Date): Promise<unknown[]>;
}
export const SERVED_FETCH_LOG_READER = Symbol('ServedFetchLogReader');

export interface ServedExplanation {
  key: string;
  at: Date;
  context: unknown;
  configState: ServedConfigStateType;
  result: EvaluationResult;
  explain: ExplainStep[];
  change: ConfigChangeLog | null;
  fetchLogRecords: unknown[] | null;
  /** The deployment active at `at` (evaluation step 4); null when none was. */
  deployment: ServedDeployment | null;
  /** The experiment running at `at` (evaluation step 3); null when none was. */
  experiment: ServedExperiment | null;
}

/** A deployment active at `at`: its split then, and which state served the subject. */
export interface ServedDeployment extends DeploymentExplanation {
  status: DeploymentStatus;
  step: number;
  /** The entry that set the status and percentage in force at `at` (start, step, pause, resume). */
  change: ConfigChangeLog;
}

/** An experiment running at `at`, and the variant it served the subject. */
export interface ServedExperiment {
  /** Null (as are `name` and `assignment`) when its record was deleted with its config. */
  id: string | null;
  key: string;
  name: string | null;
  assignment: AssignmentType | null;
  /** The variant served; null when the subject was not in it, or it cannot be replayed. */
  variant: string | null;
  /** When a random experiment's assignment of the subject was stored, if at or before `at`. */
  assignedAt: Date | null;
  /** False when its record is gone: which variant it served cannot be replayed. */
  replayable: boolean;
  /** The start or resume entry it was running since. */
  change: ConfigChangeLog;
}

/** The deployment active at `at`, as the engine takes it. */
interface DeploymentAt {
  active: ActiveDeployment;
  status: DeploymentStatus;
  step: number;
  change: ConfigChangeLog;
}

/** The experiment running at `at`, as the engine takes it (null `running`: not replayable). */
interface ExperimentAt {
  served: Omit<ServedExperiment, 'variant'>;
  running: RunningExperiment | null;
}

/**
 * "Why did this subject get this value?": the config's state at a past time, rebuilt from the
 * change history with the deployment active and the experiment running then, evaluated and
 * explained by the engine that serves it.
 */
@Injectable()
export class ExplainServedService {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly history: HistoryService,
    private readonly experiments: ExperimentsService,
    @Optional()
    @Inject(SERVED_FETCH_LOG_READER)
    private readonly fetchLog: ServedFetchLogReader | null = null,
  ) {}

  async explain(
    actor: Actor,
    args: ExplainServedArgs,
    now = new Date(),
  ): Promise<ServedExplanation> {
    const { key, context, at } = args;
    assertContextObject(context);
    if (at.getTime() > now.getTime()) {
      throw AppError.badInput('at must not be in the future', [
        {
          path: 'at',
          rule: 'notInFuture',
          message: `must be at or before now (${now.toISOString()}); what was served later is not known yet`,
        },
      ]);
    }
    const environment = await this.environments.getForActor(actor, args.environment);
    const { entry, known } = await this.history.stateAt(environment.id, key, at);
    if (!known) {
      throw AppError.notFound(`Config "${key}" in environment "${environment.key}"`, {
        key,
        environment: environment.key,
      });
    }
    const fetchLogRecords = this.fetchLog
      ? await this.fetchLog.around(environment.id, key, context, at)
      : null;
    const answer = { key, at, context, change: entry, fetchLogRecords };
    if (!entry?.after) {
      return {
        ...answer,
        configState: entry ? ServedConfigStateType.DELETED : ServedConfigStateType.NOT_CREATED,
        result: flagNotFound(key),
        explain: [],
        deployment: null,
        experiment: null,
      };
    }
    // Stored as the engine's state (see HistoryService.prepare); the live path compiles the same.
    const state = entry.after as unknown as ConfigState;
    const configState = state.archived
      ? ServedConfigStateType.ARCHIVED
      : ServedConfigStateType.ACTIVE;
    // Archived, a config serves its default whatever runs on it (evaluation step 2).
    const [deployment, experiment] = state.archived
      ? [null, null]
      : await Promise.all([
          this.deploymentAt(environment.id, entry, at),
          this.experimentAt(environment.id, entry, state, context, at),
        ]);
    const explained = compileExplainer({
      key,
      version: entry.configVersion,
      state,
      experiment: experiment?.running ?? null,
      deployment: deployment?.active ?? null,
    }).explain(context);
    const { result } = explained;
    return {
      ...answer,
      configState,
      result,
      explain:
        experiment?.running === null
          ? [unreplayable(experiment.served.key), ...explained.steps]
          : explained.steps,
      deployment:
        deployment && explained.deployment
          ? {
              ...explained.deployment,
              status: deployment.status,
              step: deployment.step,
              change: deployment.change,
            }
          : null,
      experiment: experiment && {
        ...experiment.served,
        variant: result.reason === 'EXPERIMENT' ? (result.variant ?? null) : null,
      },
    };
  }

  /**
   * The deployment active at `at` on the config whose state `stateEntry` holds: the newest of
   * the key's deployment entries then says its status and percentage, its start entry its
   * candidate (the stable state is the config's, unchanged while a deployment is active).
   */
  private async deploymentAt(
    environmentId: string,
    stateEntry: ConfigChangeLog,
    at: Date,
  ): Promise<DeploymentAt | null> {
    const { configKey } = stateEntry;
    const latest = await this.history.latestAt(environmentId, configKey, at, DEPLOYMENT_ACTIONS);
    const recorded = activeDeploymentOf(latest, stateEntry.configId);
    if (!latest || !recorded) return null;
    const start =
      latest.action === ChangeAction.DEPLOYMENT_STARTED
        ? latest
        : await this.history.latestAt(environmentId, configKey, at, [
            ChangeAction.DEPLOYMENT_STARTED,
          ]);
    const candidate = startedCandidate(start, recorded.id);
    if (!candidate) {
      // The change path writes the start before any other entry of a deployment.
      throw new Error(
        `The history of "${configKey}" has no start entry for deployment ${recorded.id}`,
      );
    }
    return {
      active: { id: recorded.id, percentage: recorded.percentage, candidate },
      status: recorded.status,
      step: recorded.step,
      change: latest,
    };
  }

  /**
   * The experiment running at `at` on the config whose state `stateEntry` holds: the newest of
   * the key's experiment entries then says which (if any), its record how it ran.
   */
  private async experimentAt(
    environmentId: string,
    stateEntry: ConfigChangeLog,
    state: ConfigState,
    context: unknown,
    at: Date,
  ): Promise<ExperimentAt | null> {
    const latest = await this.history.latestAt(
      environmentId,
      stateEntry.configKey,
      at,
      EXPERIMENT_ACTIONS,
    );
    const key = runningExperimentKeyOf(latest, stateEntry.configId);
    if (!latest || key === null) return null;
    // Random assignments are stored by the subject's stickiness value, as assignVariant takes it.
    const subject = compileStickiness(stickinessPaths(state.stickiness))(context);
    const asRun = await this.experiments.asRunAt(
      environmentId,
      key,
      stateEntry.configId,
      subject,
      at,
    );
    if (!asRun) {
      return {
        served: {
          id: null,
          key,
          name: null,
          assignment: null,
          assignedAt: null,
          replayable: false,
          change: latest,
        },
        running: null,
      };
    }
    return {
      served: {
        id: asRun.experiment.id,
        key,
        name: asRun.experiment.name,
        assignment: asRun.running.assignment,
        assignedAt: asRun.assignedAt,
        replayable: true,
        change: latest,
      },
      running: asRun.running,
    };
  }
}

/** The step that says an experiment ran but its variants cannot be replayed. */
function unreplayable(key: string): ExplainStep {
  return {
    path: 'experiment',
    kind: 'EXPERIMENT',
    reached: false,
    outcome: false,
    detail: `experiment "${key}" was running, but its record was deleted with its config: which variant it served cannot be replayed; what follows is what subjects outside it were served`,
  };
}
