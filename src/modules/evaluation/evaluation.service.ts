import { Injectable } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { EvaluationResult } from '../../engine/evaluation/result';
import { EnvironmentsService } from '../environments/environments.service';
import { ValidationIssue } from '../../engine/config-state';
import { compileExplainer, explainStepCount, Explanation } from '../../engine/evaluation/explain';
import { validateConfigState } from '../../engine/validate';
import { isPlainObject } from '../../engine/validate/issues';
import { ConfigsService } from '../configs/configs.service';
import { UsageChannel } from '../usage/usage-metric.util';
import { UsageRecorder } from '../usage/usage-recorder';
import { FetchChannel } from '../fetch-log/config-fetch-log.entity';
import { FetchLogRecorder } from '../fetch-log/fetch-log-recorder';
import { PreviewEvaluationInput } from './dto/evaluation.types';
import { assertContextObject } from './evaluation-context.util';
import { EnvironmentSnapshot, EvaluationSnapshots } from './evaluation-snapshots.service';
import { nextTurn } from '../../core/runtime/next-turn';

/**
 * Explain steps one preview may produce (contexts × steps per context): bounds its CPU time
 * and the size of its answer.
 */
export const PREVIEW_BUDGET = 2_000;
/**
 * Explain steps computed, and completed into the GraphQL answer, in one turn of the event
 * loop (a context with more steps is a turn of its own).
 */
export const PREVIEW_SLICE = 250;

/**
 * One context's preview. `result` and `explain` are promises, settled slice by slice in
 * later turns of the event loop: GraphQL completes each answer as its slice settles, so
 * neither explaining nor building a large answer holds the loop in one stretch (a 5,000-step
 * answer built at once held it for ~200 ms on a loaded machine).
 */
export interface Explained {
  context: unknown;
  result: Promise<Explanation['result']>;
  explain: Promise<Explanation['steps']>;
  deployment: Promise<Explanation['deployment'] | null>;
}

@Injectable()
export class EvaluationService {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly snapshots: EvaluationSnapshots,
    private readonly configs: ConfigsService,
    private readonly usage: UsageRecorder,
    private readonly fetchLog: FetchLogRecorder,
  ) {}

  /**
   * Evaluates the listed keys (or every config) for one context from the in-memory snapshot:
   * no database round trip once the environment is loaded.
   */
  async evaluate(
    actor: Actor,
    environmentKey: string | undefined,
    context: unknown,
    keys?: string[],
  ): Promise<EvaluationResult[]> {
    assertContextObject(context);
    const snapshot = await this.snapshotFor(actor, environmentKey);
    const results = snapshot.evaluateMany(context, keys);
    this.usage.record(snapshot.environmentId, UsageChannel.GraphQL, results, context);
    this.fetchLog.record(snapshot, FetchChannel.GRAPHQL, context, results);
    return results;
  }

  /**
   * Evaluates an unsaved draft against up to 100 contexts and explains each result: the
   * seed's "test targeting rules". The draft is validated like a save.
   */
  async preview(actor: Actor, input: PreviewEvaluationInput): Promise<Explained[]> {
    const issues: ValidationIssue[] = [];
    input.contexts.forEach((context, i) => {
      if (!isPlainObject(context)) {
        issues.push({
          path: `input.contexts[${i}]`,
          rule: 'type',
          message: 'must be a JSON object',
        });
      }
    });
    const { state, version } = await this.configs.draftState(actor, input.config);
    // The draft is explained as it would be served: with the config's running experiment and
    // active deployment (which state, stable or candidate, each subject is on).
    const snapshot = await this.snapshotFor(actor, input.config.environment);
    const experiment = snapshot.experimentOf(state.key) ?? null;
    const deployment = snapshot.deploymentOf(state.key) ?? null;
    // Before any work on the draft: validating and compiling 100 rules costs more than
    // refusing them.
    const stepCount = explainStepCount(state, experiment, deployment);
    const cost = input.contexts.length * stepCount;
    if (cost > PREVIEW_BUDGET) {
      throw AppError.badInput('The preview is over its budget', [
        {
          path: 'input.contexts',
          rule: 'previewBudget',
          message: `a preview explains at most ${PREVIEW_BUDGET} steps (contexts × conditions, rules and rollouts): ${input.contexts.length} contexts × ${stepCount} steps is ${cost}; send fewer contexts or preview fewer rules`,
        },
      ]);
    }
    for (const issue of validateConfigState(state)) {
      issues.push({ ...issue, path: `input.config.${issue.path}` });
    }
    if (issues.length > 0) throw AppError.badInput('The preview input is invalid', issues);
    await nextTurn();
    const explainer = compileExplainer({ key: state.key, version, state, experiment, deployment });
    let turn = nextTurn();
    let inSlice = 0;
    return input.contexts.map((context) => {
      if (inSlice > 0 && inSlice + stepCount > PREVIEW_SLICE) {
        turn = turn.then(nextTurn);
        inSlice = 0;
      }
      inSlice += stepCount;
      const explanation = turn.then(() => explainer.explain(context));
      const result = explanation.then(({ result }) => result);
      const explain = explanation.then(({ steps }) => steps);
      const deployment = explanation.then((explained) => explained.deployment ?? null);
      // A query may ask for only some of them; the others must not fail unhandled.
      for (const field of [result, explain, deployment]) field.catch(() => undefined);
      return { context, result, explain, deployment };
    });
  }

  /** The serving snapshot of the environment an actor evaluates in. */
  async snapshotFor(
    actor: Actor,
    environmentKey: string | undefined,
  ): Promise<EnvironmentSnapshot> {
    return this.snapshots.get(await this.environmentIdFor(actor, environmentKey));
  }

  /** A scoped key evaluates in its environment; others name one. */
  private async environmentIdFor(
    actor: Actor,
    environmentKey: string | undefined,
  ): Promise<string> {
    if (environmentKey === undefined) {
      if (actor.environmentId) return actor.environmentId;
      throw AppError.badInput('environment is required for keys not scoped to one environment', [
        { path: 'environment', rule: 'required', message: 'name the environment to evaluate in' },
      ]);
    }
    return (await this.environments.resolveForActor(actor, environmentKey)).id;
  }
}
