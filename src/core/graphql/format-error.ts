import { Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { databaseUnavailable, isDatabaseUnavailable } from '../database/database-errors';
import { AppError, ErrorCode, ValidationIssue } from '../errors/app-error';
import { clipped } from './input-checks';

const logger = new Logger('GraphQLErrors');

/** The longest message a request error is answered with (see clipped). */
const MAX_MESSAGE = 1000;

/** Codes Apollo and graphql-js raise for malformed requests; they pass through unchanged. */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * Codes worth a warning: a client being throttled, a dependency down. Every other AppError
 * is the caller's mistake, an ordinary event logged at info. Neither carries a stack: the
 * code and message say all there is, and a flood of them must not flood the log.
 */
const WARN_CODES = new Set<ErrorCode>([ErrorCode.RateLimited, ErrorCode.ServiceUnavailable]);

/**
 * The one place errors become responses, and the one place they are logged (once each):
 * our AppErrors keep their code and details, an unreachable database becomes a retryable
 * SERVICE_UNAVAILABLE, request errors keep Apollo's code, and anything unexpected is logged
 * with its stack and masked.
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = unwrap(error);
  const known =
    original instanceof AppError
      ? original
      : isDatabaseUnavailable(original)
        ? databaseUnavailable()
        : undefined;
  if (known) {
    logAppError(known, formatted.path, original);
    return {
      message: known.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { ...known.details, code: known.code },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    const coercion = code === 'BAD_USER_INPUT' ? variableIssue(formatted.message) : undefined;
    if (coercion && !('validationErrors' in extensions)) {
      extensions.validationErrors = [
        { ...coercion, message: clipped(coercion.message, MAX_MESSAGE) },
      ];
    }
    // graphql-js repeats a variable's whole value in its message, however long the client sent it.
    return { ...formatted, message: clipped(formatted.message, MAX_MESSAGE), extensions };
  }
  logger.error(
    { err: original, path: formatted.path },
    original instanceof Error ? original.stack : String(original),
  );
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.InternalServerError },
  };
}

function logAppError(error: AppError, path: GraphQLFormattedError['path'], cause: unknown): void {
  const entry = {
    code: error.code,
    path,
    // The driver's own words say which way the database failed (refused, timed out).
    ...(cause !== error ? { cause: (cause as { message?: unknown } | null)?.message } : {}),
  };
  if (WARN_CODES.has(error.code)) logger.warn(entry, error.message);
  else logger.log(entry, error.message);
}

const INVALID_VARIABLE = /^Variable "\$([^"]+)" got invalid value .*?(?: at "([^"]+)")?; (.*)$/s;
const MISSING_FIELD = /^Field "([^"]+)" of required type "[^"]+" was not provided\.$/;
const MISSING_VARIABLE =
  /^Variable "\$([^"]+)" of (?:required|non-null) type "[^"]+" (?:was not provided|must not be null)\.$/;

/**
 * graphql-js's variable coercion errors (a value not of its type: an unknown enum value, a
 * string for an Int, a missing required field) as a validation issue with the path the
 * message names, like every other BAD_USER_INPUT: `input.condition`, rule `type`.
 */
export function variableIssue(message: string): ValidationIssue | undefined {
  const invalid = INVALID_VARIABLE.exec(message);
  if (invalid) {
    const path = invalid[2] ?? invalid[1];
    const missing = MISSING_FIELD.exec(invalid[3]);
    if (missing) return { path: `${path}.${missing[1]}`, rule: 'required', message: invalid[3] };
    return { path, rule: 'type', message: invalid[3] };
  }
  const missing = MISSING_VARIABLE.exec(message);
  if (missing) return { path: missing[1], rule: 'required', message };
  return undefined;
}

function unwrap(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}
