import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlContextType, GqlExceptionFilter } from '@nestjs/graphql';

/**
 * Hands a resolver's or guard's error to GraphQL untouched, to be logged once by
 * formatGraphQLError. Without it Nest logs every one at error level with its stack first: a
 * client's bad token cost two stack traces. Rethrown rather than returned, so graphql-js
 * sees a failure whatever the error's realm. HTTP controllers keep Nest's own handling.
 */
@Catch()
export class GraphQLExceptionFilter extends BaseExceptionFilter implements GqlExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType<GqlContextType>() === 'graphql') throw exception;
    super.catch(exception, host);
  }
}
