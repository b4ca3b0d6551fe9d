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
import { FetchChannel } from '../fetch-log/config-fetch-log.entity';
import { FetchLogRecorder } from '../fetch-log/fetch-log-recorder';
import { PreviewEvaluationInput } from './dto/evaluation.types';
import { assertContextObject } from './evaluation-context.util';
import { EnvironmentSnapshot, EvaluationSnapshots } from './evaluation-snapshots.service';

/**
 * Explain steps one preview may produce (contexts × steps per context): its answer is built
 * and serialized in one go, so this bounds how long it holds the event loop.
 */
export const PREVIEW_BUDGET = 5_000;
/** Explain steps computed between two yields to the event loop. */
const PREVIEW_SLICE = 500;

export interface Explained {
  context: unknown;
  result: Explanation['result'];
  explain: Explanation['steps'];
}

@Injectable()
export class EvaluationService {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly snapshots: EvaluationSnapshots,
    private readonly configs: ConfigsService,
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
    for (const issue of validateConfigState(state)) {
      issues.push({ ...issue, path: `input.config.${issue.path}` });
    }
    if (issues.length > 0) throw AppError.badInput('The preview input is invalid', issues);
    const stepCount = explainStepCount(state);
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
    const explainer = compileExplainer({ key: state.key, version, state });
    const explained: Explained[] = [];
    let sinceYield = PREVIEW_SLICE;
    for (const context of input.contexts) {
      // Other requests run between slices, whatever the draft.
      if (sinceYield >= PREVIEW_SLICE) {
        await new Promise((resolve) => setImmediate(resolve));
        sinceYield = 0;
      }
      const { result, steps } = explainer.explain(context);
      explained.push({ context, result, explain: steps });
      sinceYield += steps.length;
    }
    return explained;
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
