import { ValidationIssue } from '../config-state';

/** Collects issues up to a cap, so a hostile input cannot make a response of millions. */
export class Issues {
  static readonly MAX = 100;
  readonly list: ValidationIssue[] = [];
  private omitted = 0;

  add(path: string, rule: string, message: string): void {
    if (this.list.length < Issues.MAX) this.list.push({ path, rule, message });
    else this.omitted += 1;
  }

  get size(): number {
    return this.list.length + this.omitted;
  }

  result(): ValidationIssue[] {
    if (this.omitted === 0) return this.list;
    return [
      ...this.list,
      { path: '', rule: 'tooManyIssues', message: `${this.omitted} more issues were omitted` },
    ];
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const ATTRIBUTE_PATH = /^[A-Za-z_$][A-Za-z0-9_$-]*(\.[A-Za-z_$][A-Za-z0-9_$-]*)*$/;
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** A dotted context path, no longer than 256, that can never name a prototype member. */
export function isAttributePath(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= 256 &&
    ATTRIBUTE_PATH.test(value) &&
    !value.split('.').some((segment) => FORBIDDEN_SEGMENTS.has(segment))
  );
}

/**
 * Why `value` is not an attribute path, or undefined when it is one: a segment that starts
 * with a digit or names a prototype member is said so; anything else gets `otherwise`.
 */
export function attributePathProblem(value: unknown, otherwise: string): string | undefined {
  if (isAttributePath(value)) return undefined;
  if (typeof value !== 'string' || value.length > 256) return otherwise;
  const segments = value.split('.');
  const digit = segments.find((segment) => /^[0-9]/.test(segment));
  if (digit !== undefined) {
    return `segment "${digit.slice(0, 40)}" starts with a digit: each segment of a dotted path starts with a letter, _ or $`;
  }
  const member = segments.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (member !== undefined) return `segment "${member}" would name a prototype member`;
  return otherwise;
}

/**
 * A percentage with at most two decimals, the resolution of 10,000 buckets: exactly the
 * number a two-decimal literal reads as, so 12.34 and 0.29 are, 12.345 and 1e-300 are not.
 */
export function isPercentage(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    value >= 0 &&
    value <= 100 &&
    Math.round(value * 100) / 100 === value
  );
}
