import { ValidationIssue } from '../../core/errors/app-error';
import { INPUT_LIMITS, readDateTime } from '../../core/graphql/input-checks';
import { isPlainObject } from '../../engine/validate/issues';
import { DAY_MS } from './usage-metric.util';

/** Entries one report may hold. */
export const MAX_REPORT_ENTRIES = 1000;
/** Error codes one entry may list. */
export const MAX_ENTRY_ERRORS = 20;
/** How far a period may end after the server's clock (clocks differ a little). */
export const CLOCK_SKEW_MS = 60_000;
const MAX_COUNT = 2 ** 31 - 1;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export interface UsageReportEntry {
  key: string;
  evaluations: number;
  cacheHits: number;
  cacheMisses: number;
  errors: { code: string; count: number }[];
  periodStart: Date;
  periodEnd: Date;
}

/** A checked usage report, as GraphQL's `reportUsage` and `POST /v1/usage` take it. */
export interface UsageReport {
  batchId: string;
  sdk: { name: string; version: string };
  /** Names the environment for keys not scoped to one. */
  environment?: string;
  entries: UsageReportEntry[];
}

type Check = (value: unknown, path: string) => unknown;

/**
 * Reads a usage report from its JSON (or GraphQL input) form, every problem with its path
 * under `root` (`input` for GraphQL, `` for HTTP): nothing is counted from a report with one.
 */
export function readUsageReport(
  raw: unknown,
  root: string,
  now: number,
): { report: UsageReport } | { issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const fail = (path: string, rule: string, message: string) => {
    if (issues.length < INPUT_LIMITS.maxIssues) issues.push({ path, rule, message });
    return undefined;
  };
  const at = (path: string, member: string) => (path ? `${path}.${member}` : member);
  const text =
    (max: number, optional = false): Check =>
    (value, path) => {
      if (value === undefined || value === null) {
        return optional ? undefined : fail(path, 'required', 'is required');
      }
      if (typeof value !== 'string') return fail(path, 'type', 'must be a string');
      if (value.length === 0 || value.length > max) {
        return fail(path, 'length', `must be 1 to ${max} characters`);
      }
      return value;
    };
  const count =
    (optional: boolean): Check =>
    (value, path) => {
      if (value === undefined || value === null) {
        return optional ? 0 : fail(path, 'required', 'is required');
      }
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return fail(path, 'type', 'must be an integer');
      }
      if (value < 0) return fail(path, 'min', 'must not be negative');
      if (value > MAX_COUNT) return fail(path, 'max', `must be at most ${MAX_COUNT}`);
      return value;
    };
  const time: Check = (value, path) => {
    if (value === undefined || value === null) return fail(path, 'required', 'is required');
    // POST /v1/usage sends text: read as GraphQL's DateTime is.
    const date = readDateTime(value, path);
    return date instanceof Date ? date : fail(date.path, date.rule, date.message);
  };
  const list = (value: unknown, path: string, max: number, optional = false) => {
    if (value === undefined || value === null) {
      return optional ? [] : fail(path, 'required', 'is required');
    }
    if (!Array.isArray(value)) return fail(path, 'type', 'must be a list');
    if (value.length > max) return fail(path, 'maxItems', `must hold at most ${max} items`);
    return value;
  };
  const object = (value: unknown, path: string) =>
    isPlainObject(value) ? value : fail(path, 'type', 'must be an object');

  const body = object(raw, root);
  if (!body) return { issues };
  const batchId = text(128)(body.batchId, at(root, 'batchId'));
  const environment = text(63, true)(body.environment, at(root, 'environment'));
  const sdkPath = at(root, 'sdk');
  const sdkRaw = object(body.sdk, sdkPath);
  const sdk = sdkRaw && {
    name: text(100)(sdkRaw.name, at(sdkPath, 'name')),
    version: text(50)(sdkRaw.version, at(sdkPath, 'version')),
  };
  const entriesPath = at(root, 'entries');
  const entries = (list(body.entries, entriesPath, MAX_REPORT_ENTRIES) ?? []).map((item, i) => {
    const path = `${entriesPath}[${i}]`;
    const entry = object(item, path);
    if (!entry) return undefined;
    const errorsPath = at(path, 'errors');
    const errors = (list(entry.errors, errorsPath, MAX_ENTRY_ERRORS, true) ?? []).map(
      (error, j) => {
        const errorPath = `${errorsPath}[${j}]`;
        const member = object(error, errorPath);
        if (!member) return undefined;
        const code = text(64)(member.code, at(errorPath, 'code'));
        if (typeof code === 'string' && !ERROR_CODE.test(code)) {
          fail(at(errorPath, 'code'), 'pattern', 'must be an error code such as FLAG_NOT_FOUND');
        }
        return { code, count: count(false)(member.count, at(errorPath, 'count')) };
      },
    );
    const periodStart = time(entry.periodStart, at(path, 'periodStart')) as Date | undefined;
    const periodEnd = time(entry.periodEnd, at(path, 'periodEnd')) as Date | undefined;
    if (periodStart && periodEnd) {
      if (periodEnd.getTime() < periodStart.getTime()) {
        fail(at(path, 'periodEnd'), 'order', 'must not be before periodStart');
      } else if (periodEnd.getTime() - periodStart.getTime() > DAY_MS) {
        fail(at(path, 'periodEnd'), 'maxPeriod', 'a period must be at most one day long');
      }
      if (periodEnd.getTime() > now + CLOCK_SKEW_MS) {
        fail(at(path, 'periodEnd'), 'future', 'must not be in the future');
      }
    }
    return {
      key: text(200)(entry.key, at(path, 'key')),
      evaluations: count(false)(entry.evaluations, at(path, 'evaluations')),
      cacheHits: count(true)(entry.cacheHits, at(path, 'cacheHits')),
      cacheMisses: count(true)(entry.cacheMisses, at(path, 'cacheMisses')),
      errors,
      periodStart,
      periodEnd,
    };
  });
  if (issues.length > 0) return { issues };
  return {
    report: {
      batchId: batchId as string,
      sdk: sdk as UsageReport['sdk'],
      ...(environment === undefined ? {} : { environment: environment as string }),
      entries: entries as UsageReportEntry[],
    },
  };
}
