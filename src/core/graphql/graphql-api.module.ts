import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, MiddlewareConsumer, Module, NestModule, Type } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { ExecutionResult, GraphQLError } from 'graphql';
import { Context as WsContext } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import { Actor } from '../auth/actor';
import { Authenticator } from '../auth/authenticator';
import { parseBearer } from '../auth/token.util';
import { AppConfig } from '../config/app-config';
import { databaseUnavailable, isDatabaseUnavailable } from '../database/database-errors';
import { AppError, ErrorCode } from '../errors/app-error';
import { graphqlMetricsPlugin } from '../metrics/graphql-metrics.plugin';
import { MetricsService } from '../metrics/metrics.service';
import { formatGraphQLError } from './format-error';
import { jitExecutionPlugin } from './jit-execution.plugin';
import { formatErrors, formatStreamedResult, graphqlArmor, validateWithLimits } from './limits';
import { GraphQLSseMiddleware, SseStreams } from './sse.middleware';
import { LimitedSocket, WsLimits } from './ws-limits';

/** graphql-ws close codes: 4401 tells a client its credentials were refused. */
export const WS_CLOSE_UNAUTHENTICATED = 4401;
/** Too many failed authentications from this address (graphql-ws's own "too many" code). */
export const WS_CLOSE_RATE_LIMITED = 4429;
/** The standard "try again later": credentials could not be checked (database down). */
export const WS_CLOSE_TRY_AGAIN_LATER = 1013;

/** How a refused connection_init closes: the code tells a client whether to retry. */
function wsRefusal(error: unknown): [number, string] {
  if (error instanceof AppError && error.code === ErrorCode.RateLimited) {
    return [WS_CLOSE_RATE_LIMITED, `RATE_LIMITED: ${error.message}`];
  }
  if (isDatabaseUnavailable(error)) {
    return [WS_CLOSE_TRY_AGAIN_LATER, `SERVICE_UNAVAILABLE: ${databaseUnavailable().message}`];
  }
  const message = error instanceof AppError ? error.message : 'Authentication failed';
  return [WS_CLOSE_UNAUTHENTICATED, `UNAUTHENTICATED: ${message}`];
}

/** What graphql-ws's `ws` adapter puts in `ctx.extra`. */
interface WsExtra {
  request: IncomingMessage & { actor?: Actor };
  socket: LimitedSocket;
}

/** Every GraphQL request carries the HTTP request, whose `actor` the auth guard fills. */
export interface GraphQLContext {
  req: { headers: IncomingMessage['headers']; actor?: Actor; id?: string | number };
}

/**
 * Apollo on /graphql (HTTP and graphql-ws), with depth/cost/alias limits, CSRF prevention,
 * no batching, introspection per config, masked internal errors and request metrics.
 * `authModule` provides the Authenticator used for websocket connection_init.
 */
@Module({})
export class GraphQLApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(GraphQLSseMiddleware).forRoutes('graphql/stream');
  }

  static forRoot(authModule: Type): DynamicModule {
    return {
      module: GraphQLApiModule,
      providers: [SseStreams],
      imports: [
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [authModule],
          inject: [AppConfig, Authenticator, MetricsService],
          useFactory: (
            config: AppConfig,
            authenticator: Authenticator,
            metrics: MetricsService,
          ) => {
            const armor = graphqlArmor(config);
            const limits = new WsLimits(config);
            return {
              path: '/graphql',
              autoSchemaFile: true,
              sortSchema: true,
              introspection: config.introspection,
              playground: false,
              graphiql: false,
              csrfPrevention: true,
              allowBatchedHttpRequests: false,
              includeStacktraceInErrorResponses: false,
              validationRules: armor.validationRules,
              plugins: [
                ...armor.plugins,
                graphqlMetricsPlugin(metrics),
                jitExecutionPlugin<GraphQLContext>(),
                // We set no cache hints; without this plugin no resolver is wrapped per field.
                ApolloServerPluginCacheControlDisabled(),
                ApolloServerPluginInlineTraceDisabled(),
              ],
              formatError: formatGraphQLError,
              context: ({ req, extra }: { req?: GraphQLContext['req']; extra?: WsExtra }) => ({
                req: req ?? extra?.request,
              }),
              subscriptions: {
                'graphql-ws': {
                  path: '/graphql',
                  // The same limits and error shapes as over HTTP.
                  validate: validateWithLimits(config),
                  onError: (
                    _ctx: unknown,
                    _id: string,
                    _payload: unknown,
                    errors: readonly GraphQLError[],
                  ) => formatErrors(errors),
                  onNext: (
                    ctx: WsContext,
                    _id: string,
                    _payload: unknown,
                    _args: unknown,
                    result: ExecutionResult,
                  ) => {
                    limits.dropIfSlow((ctx.extra as WsExtra).socket);
                    return formatStreamedResult(result);
                  },
                  onSubscribe: (ctx: WsContext) =>
                    limits.refuseSubscription(Object.keys(ctx.subscriptions).length),
                  onConnect: async (ctx: WsContext<Record<string, unknown> | undefined>) => {
                    const extra = ctx.extra as WsExtra;
                    if (!limits.admit(extra.socket)) return false;
                    try {
                      extra.request.actor = await authenticator.authenticate(
                        parseBearer(ctx.connectionParams?.authorization),
                        extra.request,
                      );
                      return true;
                    } catch (error) {
                      const [code, reason] = wsRefusal(error);
                      extra.socket.close(code, reason.slice(0, 120));
                      return false;
                    }
                  },
                },
              },
            };
          },
        }),
      ],
    };
  }
}
