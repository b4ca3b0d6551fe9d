import { parseIsoDate } from '../../engine/dates';
import { ValidationIssue } from '../errors/app-error';

/** Limits every input value is held to, whatever field it arrives in. */
export const INPUT_LIMITS = {
  /** Objects and arrays nest at most this deep (a JSON value, a context, an OFREP body). */
  maxDepth: 64,
  /** Values (strings, numbers, members, elements…) in one argument or body. */
  maxNodes: 100_000,
  /** Problems reported for one input before the rest are left out. */
  maxIssues: 20,
};

/** A text of one line (names, subjects, email headers): no CR or LF, for class-validator's Matches. */
export const ONE_LINE = /^[^\r\n]*$/;
export const ONE_LINE_MESSAGE = { message: '$property must not contain a line break (CR or LF)' };

/**
 * Times an input may name (DateTime arguments arrive as Dates): four-digit years. Beyond them
 * PostgreSQL refuses some (an internal error, not the client's), and calendar arithmetic
 * (`Date.UTC` reads years below 100 as 19xx) answers for another time than the one asked.
 */
const EARLIEST_TIME = Date.UTC(1000, 0, 1);
const LATEST_TIME = Date.UTC(10000, 0, 1) - 1;

/** How much of a client's value a message repeats (see clipped). */
export const MAX_ECHOED_CHARACTERS = 100;

/**
 * A client's text as a message may repeat it: at most `max` characters, then an ellipsis. An
 * argument that names nothing found (a key of 900 KB) must not come back whole in the error.
 */
export function clipped(text: string, max = MAX_ECHOED_CHARACTERS): string {
  if (text.length <= max) return text;
  // Never cut a surrogate pair in two: the message would hold a lone surrogate.
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return `${text.slice(0, end)}…`;
}

/** What a DateTime argument must look like, for the scalar's refusals. */
export const DATE_TIME_FORMAT =
  'an ISO 8601 date-time with a time zone (Z or ±hh:mm), seconds optional, on a real calendar day, such as 2024-01-31T09:30:00Z or 2024-01-31T10:30:00+01:00';

/** ISO 8601's expanded years (`+275760-09-12T…`, `-005000-01-01T…`): the year, then the rest. */
const EXPANDED_YEAR = /^([+-]\d{6})(-.*)$/;

/**
 * A DateTime argument: a string in the form the targeting rules' `before`/`after` operators
 * read (engine/dates), but always with a time and a zone (a bare date says neither which
 * instant of the day nor in which zone), on a day that exists (2024-02-30 is refused, not
 * rolled over to March); `t` and `z` may be lower case, as RFC 3339 allows. Anything else —
 * numbers, booleans, `2024-01-01 10:00 PST` — is null. An expanded year is read too, so that
 * inputIssues refuses it for its range (the years 1000 to 9999), as it does `0999-…`.
 */
export function parseDateTime(value: unknown): Date | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const text = value.toUpperCase();
  const expanded = EXPANDED_YEAR.exec(text);
  if (!expanded) return text.indexOf('T') === 10 ? dateOf(parseIsoDate(text)) : null;
  const year = Number(expanded[1]);
  // `+002024-…` is the year 2024, read like any other.
  if (year >= 0 && year <= 9999)
    return parseDateTime(`${String(year).padStart(4, '0')}${expanded[2]}`);
  // Beyond four digits (refused for its range anyway), the shape and the day are checked on a
  // leap year of four digits, which no day of any year's calendar fails; the time on the real one.
  if (parseDateTime(`2000${expanded[2]}`) === null) return null;
  return dateOf(Date.parse(text));
}

/**
 * A date-time a JSON body sends as text (GraphQL, as a Date its scalar read), read as the
 * DateTime scalar reads it and held to the same years: the Date, or the issue at `path`.
 */
export function readDateTime(value: unknown, path: string): Date | ValidationIssue {
  const date = value instanceof Date ? value : parseDateTime(value);
  if (!date) return { path, rule: 'type', message: `must be ${DATE_TIME_FORMAT}` };
  const [outside] = inputIssues(date, path);
  return outside ?? date;
}

function dateOf(time: number | null): Date | null {
  return time === null || Number.isNaN(time) ? null : new Date(time);
}

/** A lone UTF-16 surrogate: what has no UTF-8 form, so the database would store U+FFFD. */
const LONE_SURROGATE = /\p{Cs}/u;
const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function textProblem(text: string): Omit<ValidationIssue, 'path'> | null {
  // PostgreSQL refuses NUL in text and jsonb alike.
  const nul = text.indexOf('\u0000');
  if (nul >= 0)
    return { rule: 'noNul', message: `must not contain NUL (U+0000), found at index ${nul}` };
  const surrogate = LONE_SURROGATE.exec(text);
  if (!surrogate) return null;
  return {
    rule: 'wellFormedUnicode',
    message: `must be well-formed Unicode: a lone UTF-16 surrogate at index ${surrogate.index}`,
  };
}

function memberPath(parent: string, key: string): string {
  if (SIMPLE_KEY.test(key)) return parent ? `${parent}.${key}` : key;
  // JSON.stringify escapes lone surrogates and NUL, so the path itself is well-formed.
  return `${parent}[${JSON.stringify(key)}]`;
}

/**
 * What is wrong with an input value as a whole: every string in it (object keys included)
 * must be well-formed Unicode without NUL, every time within four-digit years, since that is what PostgreSQL stores unchanged and
 * what the change history hashes; and it must stay within the depth and size limits, so no
 * later walk over it (validation, hashing, storage) can exhaust the stack. Paths name the
 * place, starting from `root` (e.g. `input.value.title`).
 */
export function inputIssues(
  value: unknown,
  root: string,
  limits = INPUT_LIMITS,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  let nodes = 0;
  // The path is built only when a problem is reported: most inputs (every OFREP body, every
  // evaluate context) have none, and building a string per node would cost each request.
  const segments: (string | number)[] = [];
  const pathOf = (extra?: string) => {
    let path = root;
    for (const segment of segments)
      path = typeof segment === 'number' ? `${path}[${segment}]` : memberPath(path, segment);
    return extra === undefined ? path : memberPath(path, extra);
  };
  const report = (path: string, rule: string, message: string) => {
    if (issues.length < limits.maxIssues) issues.push({ path, rule, message });
  };
  const visit = (current: unknown, depth: number): boolean => {
    nodes += 1;
    if (nodes > limits.maxNodes) {
      report(root, 'maxSize', `must hold at most ${limits.maxNodes} values`);
      return false;
    }
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) report(pathOf(), problem.rule, problem.message);
      return true;
    }
    // Primitives first: a context or a JSON value is mostly them, and this runs on every request.
    if (typeof current !== 'object' || current === null) return true;
    if (current instanceof Date) {
      const time = current.getTime();
      if (!(time >= EARLIEST_TIME && time <= LATEST_TIME)) {
        report(
          pathOf(),
          'dateRange',
          'must be a time from 1000-01-01T00:00:00Z to 9999-12-31T23:59:59Z',
        );
      }
      return true;
    }
    if (depth >= limits.maxDepth) {
      report(pathOf(), 'maxDepth', `must nest at most ${limits.maxDepth} levels deep`);
      return true;
    }
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i += 1) {
        segments.push(i);
        const more = visit(current[i], depth + 1);
        segments.pop();
        if (!more) return false;
      }
      return true;
    }
    for (const key of Object.keys(current)) {
      const problem = textProblem(key);
      if (problem) report(pathOf(key), problem.rule, `a member name ${problem.message}`);
      segments.push(key);
      const more = visit((current as Record<string, unknown>)[key], depth + 1);
      segments.pop();
      if (!more) return false;
    }
    return true;
  };
  visit(value, 0);
  return issues;
}
