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
