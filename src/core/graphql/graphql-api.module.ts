import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, MiddlewareConsumer, Module, NestModule, Type } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import type { IncomingMessage } from 'node:http';
import { Actor } from '../auth/actor';
import { AppConfig } from '../config/app-config';
import { graphqlMetricsPlugin } from '../metrics/graphql-metrics.plugin';
import { MetricsService } from '../metrics/metrics.service';
import { DateTimeScalar } from './date-time.scalar';
import { formatGraphQLError } from './format-error';
import { jitExecutionPlugin } from './jit-execution.plugin';
import { GraphQLWsServer } from './graphql-ws.server';
import { graphqlArmor, PARSE_OPTIONS } from './limits';
import { GraphQLSseMiddleware, SseStreams } from './sse.middleware';

/** Every GraphQL request carries the HTTP request, whose `actor` the auth guard fills. */
export interface GraphQLContext {
  req: { headers: IncomingMessage['headers']; actor?: Actor; id?: string | number };
}

/**
 * Apollo on /graphql over HTTP, with token/depth/cost/alias limits, CSRF prevention, no
 * batching, introspection per config, masked internal errors and request metrics; subscriptions
 * over websocket (GraphQLWsServer) and SSE on the same schema. `authModule` provides the
 * Authenticator used for websocket connection_init.
 */
@Module({})
export class GraphQLApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(GraphQLSseMiddleware).forRoutes('graphql/stream');
  }

  static forRoot(authModule: Type): DynamicModule {
    return {
      module: GraphQLApiModule,
      providers: [SseStreams, GraphQLWsServer, DateTimeScalar],
      imports: [
        authModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [AppConfig, MetricsService],
          useFactory: (config: AppConfig, metrics: MetricsService) => {
            const armor = graphqlArmor(config);
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
              parseOptions: PARSE_OPTIONS,
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
              context: ({ req }: GraphQLContext) => ({ req }),
            };
          },
        }),
      ],
    };
  }
}
