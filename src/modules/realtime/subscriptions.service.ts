import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { ConfigState } from '../../engine/config-state';
import { compileConfig } from '../../engine/evaluation/compile-config';
import { EvaluationResult, flagNotFound } from '../../engine/evaluation/result';
import { ConfigChangedEvent } from '../configs/config-change-events';
import { EnvironmentsService } from '../environments/environments.service';
import {
  EnvironmentSnapshot,
  EvaluationSnapshots,
} from '../evaluation/evaluation-snapshots.service';
import { EvaluationService } from '../evaluation/evaluation.service';
import { HistoryService } from '../history/history.service';
import { UsageChannel } from '../usage/usage-metric.util';
import { UsageRecorder } from '../usage/usage-recorder';
import { EventStream } from './event-stream';

/** A message of `evaluationsChanged`: the full set, or the results that changed. */
export interface EvaluationsUpdate {
  revision: number;
  full: boolean;
  results: EvaluationResult[];
}

/** A reconnect that missed more changes than this gets a fresh full set instead. */
export const MAX_REPLAY = 1000;

/** Two results are the same to an app when it would serve the same thing for the same reason. */
function sameResult(a: EvaluationResult | undefined, b: EvaluationResult): boolean {
  return (
    a !== undefined &&
    a.reason === b.reason &&
    a.ruleId === b.ruleId &&
    a.variant === b.variant &&
    a.errorCode === b.errorCode &&
    isDeepStrictEqual(a.value, b.value)
  );
}

@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly snapshots: EvaluationSnapshots,
    private readonly evaluation: EvaluationService,
    private readonly history: HistoryService,
    private readonly usage: UsageRecorder,
  ) {}

  /** Every change committed in an environment (or to the listed keys), for management clients. */
  async configChanges(
    actor: Actor,
    environmentKey: string,
    keys?: string[],
  ): Promise<EventStream<ConfigChangedEvent>> {
    const { id } = await this.environments.resolveForActor(actor, environmentKey);
    await this.snapshots.get(id); // this instance now follows the environment's channel
    const wanted = keys && new Set(keys);
    const stream = new EventStream<ConfigChangedEvent>();
    stream.stop = this.snapshots.watch(id, (update) => {
      if (update.kind === 'change' && (!wanted || wanted.has(update.change.key))) {
        stream.push(update.change);
      }
    });
    return stream;
  }

  /**
   * What one app sees for its context: first the full evaluated set (or, with
   * `sinceRevision`, the results that changed since), then a message whenever a config's
   * result for this context changes. Watching starts before the first message is built, so
   * no change falls between them.
   */
  async evaluations(
    actor: Actor,
    environmentKey: string | undefined,
    context: Record<string, unknown>,
    keys: string[] | undefined,
    sinceRevision: number | undefined,
  ): Promise<EventStream<EvaluationsUpdate>> {
    const first = await this.evaluation.snapshotFor(actor, environmentKey);
    const environmentId = first.environmentId;
    const wanted = keys && new Set(keys);
    const everything = (snapshot: EnvironmentSnapshot) => snapshot.evaluateMany(context, keys);
    /** What the app has now, by key. */
    const sent = new Map<string, EvaluationResult>();
    const changed = (results: EvaluationResult[]) =>
      results.filter((result) => {
        if (sameResult(sent.get(result.key), result)) return false;
        sent.set(result.key, result);
        return true;
      });

    const stream = new EventStream<EvaluationsUpdate>();
    /** Every message out counts its results as served, and its subject (usage metrics). */
    const send = (update: EvaluationsUpdate) => {
      this.usage.record(environmentId, UsageChannel.Subscription, update.results, context);
      stream.push(update);
    };
    const push = (snapshot: EnvironmentSnapshot, results: EvaluationResult[]) => {
      if (results.length > 0) send({ revision: snapshot.revision, full: false, results });
    };
    /** Everything that differs from what the app has (after a reload, or a late start). */
    const catchUp = (snapshot: EnvironmentSnapshot) => {
      const current = everything(snapshot);
      const present = new Set(current.map((result) => result.key));
      const gone = [...sent.keys()].filter((key) => !present.has(key)).map(flagNotFound);
      push(snapshot, changed([...current, ...gone]));
    };
    // Changes that come before the first message is out are caught up on right after it.
    let started = false;
    let missedWhileStarting = false;
    stream.stop = this.snapshots.watch(environmentId, (update) => {
      if (!started) {
        missedWhileStarting = true;
      } else if (update.kind === 'reload') {
        catchUp(update.snapshot);
      } else if (!wanted || wanted.has(update.change.key)) {
        push(update.snapshot, changed([update.snapshot.evaluate(update.change.key, context)]));
      }
    });

    const snapshot = await this.snapshots.get(environmentId);
    const current = everything(snapshot);
    const missed =
      sinceRevision === undefined
        ? undefined
        : await this.missedSince(snapshot, sinceRevision, context, wanted);
    for (const result of current) sent.set(result.key, result);
    if (missed) {
      const present = new Set(current.map((result) => result.key));
      const gone = [...missed].filter((key) => !present.has(key)).map(flagNotFound);
      for (const result of gone) sent.set(result.key, result);
      send({
        revision: snapshot.revision,
        full: false,
        results: [...current.filter((result) => missed.has(result.key)), ...gone],
      });
    } else {
      send({ revision: snapshot.revision, full: true, results: current });
    }
    started = true;
    if (missedWhileStarting) catchUp(await this.snapshots.get(environmentId));
    return stream;
  }

  /**
   * The keys whose result for this context differs now from what it was at `sinceRevision`,
   * from the change log; undefined when the app must start over (a revision from the future,
   * or more than MAX_REPLAY changes ago).
   */
  private async missedSince(
    snapshot: EnvironmentSnapshot,
    sinceRevision: number,
    context: Record<string, unknown>,
    wanted: Set<string> | undefined,
  ): Promise<Set<string> | undefined> {
    if (sinceRevision > snapshot.revision || sinceRevision < 0) return undefined;
    const entries = await this.history.since(
      snapshot.environmentId,
      sinceRevision,
      snapshot.revision,
      MAX_REPLAY + 1,
    );
    if (entries.length > MAX_REPLAY) return undefined;
    // The state each key had at `sinceRevision`: the `before` of its first later change.
    const then = new Map<string, ConfigState | null>();
    for (const entry of entries) {
      if (then.has(entry.configKey) || (wanted && !wanted.has(entry.configKey))) continue;
      then.set(entry.configKey, entry.before as ConfigState | null);
    }
    const missed = new Set<string>();
    for (const [key, state] of then) {
      // Versions do not take part in the comparison.
      const before = state
        ? compileConfig({ key, version: 0, state }).evaluate(context)
        : flagNotFound(key);
      const now = snapshot.evaluate(key, context);
      if (!sameResult(before, now)) missed.add(key);
    }
    return missed;
  }
}
