import { Inject, Injectable, Optional } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { ConfigState } from '../../engine/config-state';
import { compileExplainer, ExplainStep } from '../../engine/evaluation/explain';
import { EvaluationResult, flagNotFound } from '../../engine/evaluation/result';
import { EnvironmentsService } from '../environments/environments.service';
import { ConfigChangeLog } from '../history/config-change-log.entity';
import { HistoryService } from '../history/history.service';
import { ExplainServedArgs, ServedConfigStateType } from './dto/explain-served.types';
import { assertContextObject } from './evaluation-context.util';

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
}

/**
 * "Why did this subject get this value?": the config's state at a past time, rebuilt from the
 * change history, evaluated and explained by the engine that serves it.
 */
@Injectable()
export class ExplainServedService {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly history: HistoryService,
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
      };
    }
    // Stored as the engine's state (see HistoryService.prepare); the live path compiles the same.
    const state = entry.after as unknown as ConfigState;
    const { result, steps } = compileExplainer({
      key,
      version: entry.configVersion,
      state,
    }).explain(context);
    return {
      ...answer,
      configState: state.archived ? ServedConfigStateType.ARCHIVED : ServedConfigStateType.ACTIVE,
      result,
      explain: steps,
    };
  }
}
