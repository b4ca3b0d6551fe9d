import { BeforeApplicationShutdown, Injectable, Logger, NestMiddleware } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { ExecutionResult } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/express';
import { AppConfig } from '../config/app-config';
import { formatStreamedResult, validateWithLimits } from './limits';

/** Open event streams, ended at shutdown so their clients reconnect (elsewhere). */
@Injectable()
export class SseStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<Response>();

  track(res: Response): void {
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
  }

  beforeApplicationShutdown(): void {
    for (const res of this.open) res.end();
    this.open.clear();
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
      schema: () => schemaHost.schema,
      authenticate: () => null, // no reservations: distinct connections only
      context: (req) => ({ req: req.raw }),
      validate: validateWithLimits(config),
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
