import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** Longest user id, device id or app version kept; longer ones are cut. */
export const SUBJECT_FIELD_MAX = 256;

/** Who fetched: the context's `user.id`, `device.id` and `app.version` (DESIGN.md's context). */
export interface FetchSubject {
  userId: string | null;
  deviceId: string | null;
  appVersion: string | null;
}

function member(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, name)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** A string or finite number at `group.name`, as text; anything else is no value. */
export function subjectField(context: unknown, group: string, name: string): string | null {
  const value = member(member(context, group), name);
  if (typeof value === 'string') return value === '' ? null : value.slice(0, SUBJECT_FIELD_MAX);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function subjectOf(context: unknown): FetchSubject {
  return {
    userId: subjectField(context, 'user', 'id'),
    deviceId: subjectField(context, 'device', 'id'),
    appVersion: subjectField(context, 'app', 'version'),
  };
}

/** SHA-256 (hex) of the value's canonical JSON (RFC 8785), so equal values hash alike. */
export function valueHash(value: unknown): string {
  return createHash('sha256')
    .update(canonicalize(value) ?? 'null', 'utf8')
    .digest('hex');
}
