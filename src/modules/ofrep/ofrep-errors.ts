import { HttpException, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { retryAfterSeconds } from '../../core/auth/auth-failure-limiter';
import {
  databaseUnavailable,
  isDatabaseUnavailable,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from '../../core/database/database-errors';
import { AppError, ErrorCode } from '../../core/errors/app-error';
import { OfrepFailure } from './ofrep.mapper';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.BadUserInput]: 400,
  [ErrorCode.NotFound]: 400,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.ServiceUnavailable]: 503,
};

const logger = new Logger('Ofrep');

export interface OfrepErrorResponse {
  status: number;
  body: OfrepFailure;
  headers?: Record<string, string>;
}

/** OFREP's error shape for everything that goes wrong before or around an evaluation. */
export function ofrepError(error: unknown, request: Request): OfrepErrorResponse {
  const known = isDatabaseUnavailable(error) ? databaseUnavailable() : error;
  if (known instanceof AppError && STATUS[known.code]) {
    return {
      status: STATUS[known.code]!,
      body: { errorCode: 'GENERAL', errorDetails: known.message },
      headers: retryAfter(known),
    };
  }
  const status = error instanceof HttpException ? error.getStatus() : errorStatus(error);
  // Express could not decode a path parameter (`%ZZ`, or bytes that are not UTF-8).
  if (status === 400 && error instanceof URIError) {
    return {
      status,
      body: {
        errorCode: 'GENERAL',
        errorDetails: 'the flag key in the path is not valid URL-encoded UTF-8',
      },
    };
  }
  if (status === 400) {
    return {
      status,
      body: { errorCode: 'PARSE_ERROR', errorDetails: 'the request body is not valid JSON' },
    };
  }
  if (status && status < 500) {
    return { status, body: { errorCode: 'GENERAL', errorDetails: (error as Error).message } };
  }
  logger.error({ err: error, requestId: request.id }, 'OFREP request failed');
  return { status: 500, body: { errorCode: 'GENERAL', errorDetails: 'internal error' } };
}

function retryAfter(error: AppError): Record<string, string> | undefined {
  const seconds =
    retryAfterSeconds(error) ??
    (error.code === ErrorCode.ServiceUnavailable ? UNAVAILABLE_RETRY_AFTER_SECONDS : undefined);
  return seconds === undefined ? undefined : { 'Retry-After': String(seconds) };
}

/** body-parser's errors carry the HTTP status (400 for bad JSON, 413 for too large). */
function errorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
