import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Actor } from '../../core/auth/actor';
import { inputIssues } from '../../core/graphql/input-checks';
import { evaluateEach } from '../../engine/evaluation/compile-config';
import { EvaluationResult } from '../../engine/evaluation/result';
import { isPlainObject } from '../../engine/validate/issues';
import { EvaluationService } from '../evaluation/evaluation.service';
import { UsageChannel } from '../usage/usage-metric.util';
import { UsageRecorder } from '../usage/usage-recorder';
import { FetchChannel } from '../fetch-log/config-fetch-log.entity';
import { FetchLogRecorder } from '../fetch-log/fetch-log-recorder';
import { isFailure, OfrepFailure, toOfrep, toOfrepJson } from './ofrep.mapper';

/** An OFREP answer: the HTTP status and the JSON body. */
export interface OfrepResponse {
  status: number;
  body: unknown;
}

interface OfrepContext {
  context: Record<string, unknown>;
  targetingKey?: string;
}

/**
 * OFREP's request context is flat, with `targetingKey` as the subject. It becomes the
 * stickiness value of every rollout, and `user.id` when the context names no user id, so
 * rules on `user.id` see it too. Everything else is evaluated as sent (`user`, `device`,
 * `app` or any custom attribute).
 */
function readContext(body: unknown): OfrepContext | OfrepFailure {
  const invalid = (errorDetails: string): OfrepFailure => ({
    errorCode: 'INVALID_CONTEXT',
    errorDetails,
  });
  if (!isPlainObject(body))
    return invalid('the request body must be a JSON object {"context": {...}}');
  // The same text, depth and size rules as every GraphQL input.
  const [issue] = inputIssues(body, '');
  if (issue) return invalid(`${issue.path}: ${issue.message}`);
  const context = body.context ?? {};
  if (!isPlainObject(context)) return invalid('context must be a JSON object');
  const targetingKey = context.targetingKey;
  if (targetingKey === undefined || targetingKey === '') return { context };
  if (typeof targetingKey !== 'string') return invalid('targetingKey must be a string');
  const user = context.user;
  if (user === undefined)
    return { context: { ...context, user: { id: targetingKey } }, targetingKey };
  if (isPlainObject(user) && user.id === undefined) {
    return { context: { ...context, user: { ...user, id: targetingKey } }, targetingKey };
  }
  return { context, targetingKey };
}

/** The OpenFeature Remote Evaluation Protocol over our serving snapshots. */
@Injectable()
export class OfrepService {
  constructor(
    private readonly evaluation: EvaluationService,
    private readonly usage: UsageRecorder,
    private readonly fetchLog: FetchLogRecorder,
  ) {}

  async evaluateFlag(
    actor: Actor,
    environmentKey: string | undefined,
    key: string,
    body: unknown,
  ): Promise<OfrepResponse> {
    const request = readContext(body);
    if (isFailure(request)) return { status: 400, body: { key, ...request } };
    const snapshot = await this.evaluation.snapshotFor(actor, environmentKey);
    const result = snapshot.evaluate(key, request.context, request.targetingKey);
    this.usage.record(
      snapshot.environmentId,
      UsageChannel.Ofrep,
      [result],
      request.context,
      request.targetingKey,
    );
    this.fetchLog.record(snapshot, FetchChannel.OFREP, request.context, [result]);
    const answer = toOfrep(result, snapshot.get(key)?.valueType);
    return { status: isFailure(answer) ? 404 : 200, body: answer };
  }

  /**
   * Every config of the environment for one context. The ETag is a digest of the answer, so
   * a client that sends it back in If-None-Match gets 304 until something it would see
   * changes.
   */
  async evaluateAll(
    actor: Actor,
    environmentKey: string | undefined,
    body: unknown,
    ifNoneMatch: string | undefined,
  ): Promise<OfrepResponse & { etag?: string }> {
    const request = readContext(body);
    if (isFailure(request)) return { status: 400, body: request };
    const snapshot = await this.evaluation.snapshotFor(actor, environmentKey);
    let json = '{"flags":[';
    let separator = '';
    const results: EvaluationResult[] = [];
    // Counted after the loop, as GraphQL's evaluate is: with the usage and fetch-log calls
    // inside it, the evaluation itself ran ~40% slower (V8 inlined less of the engine into it).
    evaluateEach(snapshot.all(), request.context, request.targetingKey, (config, result) => {
      results.push(result);
      json += separator + toOfrepJson(result, config.valueType);
      separator = ',';
    });
    json += ']}';
    this.usage.record(
      snapshot.environmentId,
      UsageChannel.Ofrep,
      results,
      request.context,
      request.targetingKey,
    );
    this.fetchLog.record(snapshot, FetchChannel.OFREP, request.context, results);
    const etag = `"${createHash('sha1').update(json).digest('base64url')}"`;
    if (ifNoneMatch && matchesEtag(ifNoneMatch, etag))
      return { status: 304, body: undefined, etag };
    return { status: 200, body: json, etag };
  }
}

/** If-None-Match holds a list of tags, `*`, or weak tags (compared weakly, RFC 9110). */
function matchesEtag(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
