import { Injectable } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors/app-error';
import { EvaluationResult, flagNotFound } from '../../engine/evaluation/result';
import { EnvironmentsService } from '../environments/environments.service';
import { isPlainObject } from '../../engine/validate/issues';
import { EnvironmentSnapshot, EvaluationSnapshots } from './evaluation-snapshots.service';

@Injectable()
export class EvaluationService {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly snapshots: EvaluationSnapshots,
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
    if (!isPlainObject(context)) {
      throw AppError.badInput('context must be an object', [
        {
          path: 'context',
          rule: 'type',
          message: 'context must be a JSON object such as {"user": {"id": "42"}}',
        },
      ]);
    }
    const snapshot = await this.snapshotFor(actor, environmentKey);
    if (keys) return keys.map((key) => snapshot.get(key)?.evaluate(context) ?? flagNotFound(key));
    return Array.from(snapshot.all(), (config) => config.evaluate(context));
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
