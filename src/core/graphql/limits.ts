import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  DocumentNode,
  ExecutionResult,
  getOperationAST,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  parse,
  ParseOptions,
  specifiedRules,
  validate,
} from 'graphql';
import { AppConfig } from '../config/app-config';
import { formatGraphQLError } from './format-error';

/** The most tokens a GraphQL document may have: the parser stops at the next one. */
export const GRAPHQL_MAX_TOKENS = 5000;

/**
 * How every transport parses a document: Apollo's `parseOptions` over HTTP, parseWithLimits
 * over websocket and SSE. A document over the token limit is then an ordinary syntax error,
 * found before any of the work that grows with its size (validation).
 */
export const PARSE_OPTIONS: ParseOptions = { maxTokens: GRAPHQL_MAX_TOKENS };

/**
 * Depth, cost, alias and directive limits, the same on every transport. Armor's token limit
 * is off: it is a plugin that re-parses in `parsingDidStart`, runs over HTTP only, and whose
 * refusal Apollo answers as an unexpected error (HTTP 500); PARSE_OPTIONS applies it instead.
 */
export function graphqlArmor(config: AppConfig) {
  return new ApolloArmor({
    maxDepth: { n: config.GRAPHQL_MAX_DEPTH },
    costLimit: { maxCost: config.GRAPHQL_MAX_COST },
    maxAliases: { n: config.GRAPHQL_MAX_ALIASES },
    maxDirectives: { n: 50 },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: !config.introspection },
  }).protect();
}

/** The document, or its syntax error (token limit included) coded as Apollo codes it. */
export function parseWithLimits(source: string): DocumentNode | GraphQLError[] {
  try {
    return parse(source, PARSE_OPTIONS);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return [
      new GraphQLError(error.message, {
        source: error.source,
        positions: error.positions,
        extensions: { ...error.extensions, code: 'GRAPHQL_PARSE_FAILED' },
      }),
    ];
  }
}

/**
 * The error for a document whose operation cannot be told (several, and no operationName, or
 * a name none has), coded as Apollo codes it over HTTP; none when it can be told.
 */
export function operationResolutionErrors(
  document: DocumentNode,
  operationName: string | null | undefined,
): GraphQLError[] {
  if (getOperationAST(document, operationName)) return [];
  return [
    new GraphQLError('Could not identify the operation: name one with operationName', {
      extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
    }),
  ];
}

/** graphql-js's "did you mean" hints, and what armor puts in their place over HTTP. */
const SUGGESTION = /Did you mean ".+"\?/g;
const SUGGESTION_MASK = '[Suggestion hidden]';

/**
 * graphql's `validate` with the limits added, for graphql-ws and graphql-sse. With
 * introspection off, field suggestions are hidden as armor hides them over HTTP (its
 * plugin is Apollo's): they would spell the schema out name by name.
 */
export function validateWithLimits(config: AppConfig) {
  const rules = [...specifiedRules, ...graphqlArmor(config).validationRules];
  const hideSuggestions = !config.introspection;
  // Coded as Apollo codes them over HTTP (armor's own rules say BAD_USER_INPUT), so the
  // error formatter passes them through and a client sees one code whatever the transport.
  return (schema: GraphQLSchema, document: DocumentNode) =>
    validate(schema, document, rules).map(
      (error) =>
        new GraphQLError(
          hideSuggestions
            ? error.message.replace(SUGGESTION, SUGGESTION_MASK).trim()
            : error.message,
          {
            nodes: error.nodes,
            extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ),
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
