import { QueryFailedError } from 'typeorm';
import { AppError, ErrorCode } from '../errors/app-error';

/** Socket errors of a server that is down, unreachable or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that cannot serve now: connection exceptions (class 08), statement
 * timeout or cancel (57014), shutdown or start-up (57P01-57P03), too many connections.
 */
const UNAVAILABLE_STATES = /^(08...|57014|57P0[123]|53300)$/;

/** What pg and pg-pool say when a connection or query got no answer, or the socket closed. */
const CLIENT_MESSAGES = [
  'Query read timeout',
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'is not queryable',
  'Connection refused',
];

/**
 * Whether an error means PostgreSQL cannot be reached or answered too late: retryable, as
 * opposed to a bug or a constraint the caller broke. Looks through TypeORM's QueryFailedError
 * (its driverError), `cause` chains and the AggregateError of a multi-address connect.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  // Duck-typed: socket errors may come from another realm (a test sandbox), failing instanceof.
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, driverError, cause, errors } = error as Record<string, unknown>;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code))) {
    return true;
  }
  if (
    typeof message === 'string' &&
    (CLIENT_MESSAGES.some((known) => message.includes(known)) ||
      // graphql-js rewraps an error it does not recognise as one, keeping only its text.
      [...NETWORK_CODES].some((known) => message.includes(known)))
  ) {
    return true;
  }
  const nested = [driverError, cause, ...(Array.isArray(errors) ? errors : [])];
  return nested.some((inner) => inner !== error && isDatabaseUnavailable(inner, depth + 1));
}

/** How long a client is told to wait before retrying when a dependency is down. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * The error a client sees when the database cannot be reached: retryable (with the wait,
 * as HTTP endpoints send it in Retry-After), never masked.
 */
export function databaseUnavailable(): AppError {
  return new AppError(
    ErrorCode.ServiceUnavailable,
    'The database is unavailable or did not answer in time; retry later',
    { dependency: 'database', retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS },
  );
}

/** Whether a query failed with PostgreSQL's SQLSTATE `code`, on `constraint` when one is named. */
function isQueryFailure(error: unknown, code: string, constraint?: string): boolean {
  return (
    error instanceof QueryFailedError &&
    error.driverError?.code === code &&
    (constraint === undefined || error.driverError?.constraint === constraint)
  );
}

/** Whether a write broke a unique constraint (23505): `constraint` when one is named, else any. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return isQueryFailure(error, '23505', constraint);
}

/** Whether a write named a row another transaction deleted: a foreign key violation (23503). */
export function isForeignKeyViolation(error: unknown): boolean {
  return isQueryFailure(error, '23503');
}

/**
 * Whether PostgreSQL refused the data itself: a data exception (class 22, such as NUL in text
 * or a time out of range) or a broken constraint (class 23, such as a row naming a deleted
 * one). Sending the same rows again fails the same way, unlike when the database is down.
 */
export function isRefusedData(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code: unknown = error.driverError?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
