import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlContextType, GqlExceptionFilter } from '@nestjs/graphql';
import type { Request, Response } from 'express';

/**
 * Hands a resolver's or guard's error to GraphQL untouched, to be logged once by
 * formatGraphQLError. Without it Nest logs every one at error level with its stack first: a
 * client's bad token cost two stack traces. Rethrown rather than returned, so graphql-js
 * sees a failure whatever the error's realm. HTTP requests keep Nest's own handling, except
 * that a client's error (a body too large, not JSON, in an unknown charset) is not logged as
 * the server's, and on a GraphQL path it is answered in GraphQL's error shape.
 */
/** Where requests are GraphQL's (HTTP and SSE), so their errors take GraphQL's shape. */
const GRAPHQL_PATHS = new Set(['/graphql', '/graphql/stream']);

@Catch()
export class GraphQLExceptionFilter extends BaseExceptionFilter implements GqlExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType<GqlContextType>() === 'graphql') throw exception;
    const client = clientError(exception);
    if (!client) return super.catch(exception, host);
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    if (response.headersSent) return void response.end();
    if (GRAPHQL_PATHS.has(http.getRequest<Request>().path)) {
      response
        .status(client.status)
        .json({ errors: [{ message: client.message, extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    super.catch(
      exception instanceof HttpException
        ? exception
        : new HttpException({ statusCode: client.status, message: client.message }, client.status),
      host,
    );
  }
}

/**
 * The status and message of an error the client caused: a 4xx HttpException, or a 4xx
 * http-errors error whose message may be shown (body-parser's); undefined for any other.
 */
function clientError(exception: unknown): { status: number; message: string } | undefined {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return status < 500 ? { status, message: exception.message } : undefined;
  }
  const { statusCode, expose, message } = (exception ?? {}) as Record<string, unknown>;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  if (expose === false || typeof message !== 'string') return undefined;
  return { status: statusCode, message };
}
