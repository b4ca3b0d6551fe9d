import { HttpException, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { AppError, ErrorCode } from '../../core/errors/app-error';
import { OfrepFailure } from './ofrep.mapper';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.BadUserInput]: 400,
  [ErrorCode.NotFound]: 400,
  [ErrorCode.RateLimited]: 429,
};

/** OFREP's error shape for everything that goes wrong before or around an evaluation. */
export function ofrepError(
  error: unknown,
  request: Request,
): { status: number; body: OfrepFailure } {
  if (error instanceof AppError && STATUS[error.code]) {
    return {
      status: STATUS[error.code]!,
      body: { errorCode: 'GENERAL', errorDetails: error.message },
    };
  }
  const status = error instanceof HttpException ? error.getStatus() : errorStatus(error);
  if (status === 400) {
    return {
      status,
      body: { errorCode: 'PARSE_ERROR', errorDetails: 'the request body is not valid JSON' },
    };
  }
  if (status && status < 500) {
    return { status, body: { errorCode: 'GENERAL', errorDetails: (error as Error).message } };
  }
  new Logger('Ofrep').error({ err: error, requestId: request.id }, 'OFREP request failed');
  return { status: 500, body: { errorCode: 'GENERAL', errorDetails: 'internal error' } };
}

/** body-parser's errors carry the HTTP status (400 for bad JSON, 413 for too large). */
function errorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
