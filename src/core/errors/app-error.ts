/**
 * The error codes clients see in `extensions.code`. Every domain error maps onto one of
 * these; the GraphQL error formatter is the only place that turns them into responses.
 */
export enum ErrorCode {
  BadUserInput = 'BAD_USER_INPUT',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  /** A person's write in an environment whose approval policy covers the config: request it. */
  ApprovalRequired = 'APPROVAL_REQUIRED',
  RateLimited = 'RATE_LIMITED',
  /** A dependency (PostgreSQL, Redis) cannot be reached: retry later. HTTP 503 on OFREP. */
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  InternalServerError = 'INTERNAL_SERVER_ERROR',
}

export interface ValidationIssue {
  /** Where in the input, e.g. `input.name` or `targetingRules[1].value`. */
  path: string;
  /** The rule that failed, e.g. `maxLength`. */
  rule: string;
  message: string;
}

/** A failure the client caused or may act on. Anything else is an internal error. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badInput(message: string, validationErrors: ValidationIssue[]): AppError {
    return new AppError(ErrorCode.BadUserInput, message, { validationErrors });
  }

  static unauthenticated(
    message = 'Authentication required: send Authorization: Bearer <token>',
  ): AppError {
    return new AppError(ErrorCode.Unauthenticated, message);
  }

  static forbidden(message: string, details: Record<string, unknown> = {}): AppError {
    return new AppError(ErrorCode.Forbidden, message, details);
  }

  static notFound(what: string, details: Record<string, unknown> = {}): AppError {
    return new AppError(ErrorCode.NotFound, `${what} not found`, details);
  }

  static conflict(message: string, details: Record<string, unknown> = {}): AppError {
    return new AppError(ErrorCode.Conflict, message, details);
  }

  static approvalRequired(message: string, details: Record<string, unknown> = {}): AppError {
    return new AppError(ErrorCode.ApprovalRequired, message, details);
  }
}
