import { ApolloServerPlugin, GraphQLServerListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { ExecutionResult } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/express';
import { AppConfig } from '../config/app-config';
import {
  formatErrors,
  formatStreamedResult,
  operationResolutionErrors,
  parseWithLimits,
  validateWithLimits,
} from './limits';

/**
 * Open event streams, ended at shutdown so their clients reconnect (elsewhere). Ended when
 * Apollo drains (as GraphQLWsServer closes its sockets): the HTTP server's drain runs at the
 * same time and waits for open responses, so a stream left open would hold shutdown for its
 * whole grace period.
 */
@Plugin()
@Injectable()
export class SseStreams implements ApolloServerPlugin {
  private readonly open = new Set<Response>();

  track(res: Response): void {
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
  }

  async serverWillStart(): Promise<GraphQLServerListener> {
    return {
      drainServer: async () => {
        for (const res of this.open) res.end();
        this.open.clear();
      },
    };
  }
}

/**
 * GraphQL over Server-Sent Events at /graphql/stream (graphql-sse, "distinct connections"
 * mode: one event stream per operation), for clients without websockets. The same schema,
 * authentication (the Authorization header, checked by the resolvers' guard), limits and
 * error shapes as /graphql. A client reconnects by subscribing again, with `sinceRevision`
 * for evaluationsChanged.
 */
@Injectable()
export class GraphQLSseMiddleware implements NestMiddleware {
  private readonly logger = new Logger('GraphQLSse');
  private readonly handler;

  constructor(
    schemaHost: GraphQLSchemaHost,
    config: AppConfig,
    private readonly streams: SseStreams,
  ) {
    this.handler = createHandler({
      authenticate: () => null, // no reservations: distinct connections only
      validate: validateWithLimits(config),
      // Parsed here, with the token limit, so a syntax error is coded like one over HTTP.
      // Returning the arguments skips graphql-sse's own parse and its `context` option.
      onSubscribe: (req, params) => {
        const document = parseWithLimits(params.query);
        // graphql-sse's own error for an operation it cannot tell has no code.
        const errors = Array.isArray(document)
          ? document
          : operationResolutionErrors(document, params.operationName);
        if (Array.isArray(document) || errors.length > 0) {
          return [
            JSON.stringify({ errors: formatErrors(errors) }),
            {
              status: 400,
              statusText: 'Bad Request',
              headers: { 'content-type': 'application/json; charset=utf-8' },
            },
          ];
        }
        return {
          schema: schemaHost.schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue: { req: req.raw },
        };
      },
      onNext: (_ctx, _req, result) => formatStreamedResult(result as ExecutionResult),
    });
  }

  async use(req: Request, res: Response): Promise<void> {
    this.streams.track(res);
    try {
      await this.handler(req, res);
    } catch (error) {
      this.logger.error({ err: error }, 'GraphQL over SSE failed');
      if (!res.headersSent) res.status(500).end();
      else res.end();
    }
  }
}
