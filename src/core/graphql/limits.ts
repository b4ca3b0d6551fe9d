import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  DocumentNode,
  ExecutionResult,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  specifiedRules,
  validate,
} from 'graphql';
import { AppConfig } from '../config/app-config';
import { formatGraphQLError } from './format-error';

/** Depth, cost, alias, directive and token limits, the same on every transport. */
export function graphqlArmor(config: AppConfig) {
  return new ApolloArmor({
    maxDepth: { n: config.GRAPHQL_MAX_DEPTH },
    costLimit: { maxCost: config.GRAPHQL_MAX_COST },
    maxAliases: { n: config.GRAPHQL_MAX_ALIASES },
    maxDirectives: { n: 50 },
    maxTokens: { n: 5000 },
    blockFieldSuggestion: { enabled: !config.introspection },
  }).protect();
}

/** graphql's `validate` with the limits added, for graphql-ws and graphql-sse. */
export function validateWithLimits(config: AppConfig) {
  const rules = [...specifiedRules, ...graphqlArmor(config).validationRules];
  // Coded as Apollo codes them over HTTP, so the error formatter passes them through.
  return (schema: GraphQLSchema, document: DocumentNode) =>
    validate(schema, document, rules).map(
      (error) =>
        new GraphQLError(error.message, {
          nodes: error.nodes,
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions },
        }),
    );
}

/** Errors in the shape HTTP responses give them (codes, masking), for the streaming transports. */
export function formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => formatGraphQLError(error.toJSON(), error));
}

/** A streamed result with its errors formatted; undefined when it has none. */
export function formatStreamedResult(result: ExecutionResult): ExecutionResult | undefined {
  if (!result.errors) return undefined;
  return { ...result, errors: formatErrors(result.errors) as unknown as GraphQLError[] };
}
