import { ValidationIssue } from '../../../core/errors/app-error';
import { INPUT_LIMITS, readDateTime } from '../../../core/graphql/input-checks';
import { isPlainObject } from '../../../engine/validate/issues';

/** Events one `trackEvents` batch may hold. */
export const MAX_TRACKED_EVENTS = 1000;
/** Longest event id, experiment key and event name. */
export const MAX_EVENT_ID_LENGTH = 128;
export const MAX_EVENT_NAME_LENGTH = 128;
/** Longest subject (a stickiness value: a user or device id). */
export const MAX_SUBJECT_LENGTH = 256;
/** How far an event may lie in the server's future (clocks differ a little). */
export const EVENT_CLOCK_SKEW_MS = 5 * 60_000;

const DAY_MS = 24 * 60 * 60_000;

/** A checked event, as `trackEvents` and `POST /v1/events` take it. */
export interface TrackedEvent {
  id: string;
  experimentKey?: string;
  eventName: string;
  subject: string;
  value?: number;
  occurredAt: Date;
}

export interface TrackEventsRequest {
  /** Names the environment for keys not scoped to one. */
  environment?: string;
  events: TrackedEvent[];
}

/** Why one event of a batch was not stored; the rest of the batch is. */
export enum EventRejection {
  /** occurredAt more than EVENT_CLOCK_SKEW_MS after the server's clock. */
  FutureTimestamp = 'FUTURE_TIMESTAMP',
  /** experimentKey names no experiment of the environment. */
  ExperimentNotFound = 'EXPERIMENT_NOT_FOUND',
  /** occurredAt older than EXPERIMENT_EVENT_RETENTION_DAYS: its raw event may be pruned. */
  Expired = 'EXPIRED',
}

/**
 * Reads a batch of events from its JSON (or GraphQL input) form. A malformed batch (too many
 * events, a missing or over-long field, a value that is not a finite number) is refused whole,
 * every problem with its path under `root` (`input` for GraphQL, `` for HTTP); an event in the
 * future is the caller's to reject alone (see `isFuture`).
 */
export function readTrackEvents(
  raw: unknown,
  root: string,
): { request: TrackEventsRequest } | { issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const fail = (path: string, rule: string, message: string) => {
    if (issues.length < INPUT_LIMITS.maxIssues) issues.push({ path, rule, message });
    return undefined;
  };
  const at = (path: string, member: string) => (path ? `${path}.${member}` : member);
  const text = (value: unknown, path: string, max: number, optional = false) => {
    if (value === undefined || value === null) {
      return optional ? undefined : fail(path, 'required', 'is required');
    }
    if (typeof value !== 'string') return fail(path, 'type', 'must be a string');
    if (value.length === 0 || value.length > max) {
      return fail(path, 'length', `must be 1 to ${max} characters`);
    }
    return value;
  };
  if (!isPlainObject(raw)) {
    return { issues: [{ path: root || '(body)', rule: 'type', message: 'must be an object' }] };
  }
  const environment = text(raw.environment, at(root, 'environment'), 64, true);
  const eventsPath = at(root, 'events');
  const list = raw.events;
  if (!Array.isArray(list)) {
    fail(eventsPath, list === undefined ? 'required' : 'type', 'must be a list of events');
    return { issues };
  }
  if (list.length === 0 || list.length > MAX_TRACKED_EVENTS) {
    fail(eventsPath, 'count', `must hold 1 to ${MAX_TRACKED_EVENTS} events`);
    return { issues };
  }
  const events: TrackedEvent[] = [];
  list.forEach((item: unknown, index) => {
    const path = `${eventsPath}[${index}]`;
    if (!isPlainObject(item)) return fail(path, 'type', 'must be an object');
    const id = text(item.id, at(path, 'id'), MAX_EVENT_ID_LENGTH);
    const experimentKey = text(
      item.experimentKey,
      at(path, 'experimentKey'),
      MAX_EVENT_ID_LENGTH,
      true,
    );
    const eventName = text(item.eventName, at(path, 'eventName'), MAX_EVENT_NAME_LENGTH);
    const subject = text(item.subject, at(path, 'subject'), MAX_SUBJECT_LENGTH);
    let value: number | undefined;
    if (item.value !== undefined && item.value !== null) {
      if (typeof item.value !== 'number' || !Number.isFinite(item.value)) {
        fail(at(path, 'value'), 'type', 'must be a finite number');
      } else value = item.value;
    }
    // POST /v1/events sends text: read as GraphQL's DateTime is.
    const read = readDateTime(item.occurredAt, at(path, 'occurredAt'));
    const occurredAt = read instanceof Date ? read : fail(read.path, read.rule, read.message);
    if (id && eventName && subject && occurredAt) {
      events.push({ id, experimentKey, eventName, subject, value, occurredAt });
    }
  });
  return issues.length > 0 ? { issues } : { request: { environment, events } };
}

/** Whether an event lies too far in the server's future to be believed. */
export function isFuture(event: TrackedEvent, now: number): boolean {
  return event.occurredAt.getTime() > now + EVENT_CLOCK_SKEW_MS;
}

/**
 * Whether an event is older than the raw events' retention. Such events are refused: the one
 * stored with the same id may have been pruned, so storing it would count it twice.
 */
export function isExpired(event: TrackedEvent, now: number, retentionDays: number): boolean {
  return event.occurredAt.getTime() < now - retentionDays * DAY_MS;
}
