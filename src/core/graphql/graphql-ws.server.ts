import { ApolloServerPlugin, GraphQLServerListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ExecutionArgs, ExecutionResult, GraphQLError } from 'graphql';
import { Context, handleProtocols, makeServer, SubscribePayload } from 'graphql-ws';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { Actor } from '../auth/actor';
import { Authenticator } from '../auth/authenticator';
import { parseBearer } from '../auth/token.util';
import { AppConfig } from '../config/app-config';
import { databaseUnavailable, isDatabaseUnavailable } from '../database/database-errors';
import { AppError, ErrorCode } from '../errors/app-error';
import { MetricsService } from '../metrics/metrics.service';
import {
  formatErrors,
  formatStreamedResult,
  operationResolutionErrors,
  parseWithLimits,
  validateWithLimits,
} from './limits';
import { WS_CLOSE_TRY_AGAIN, WS_MAX_PAYLOAD, WsLimits } from './ws-limits';

/** graphql-ws close codes: 4401 tells a client its credentials were refused. */
export const WS_CLOSE_UNAUTHENTICATED = 4401;
/** Too many failed authentications from this address (graphql-ws's own "too many" code). */
export const WS_CLOSE_RATE_LIMITED = 4429;
const WS_CLOSE_GOING_AWAY = 1001;
const WS_CLOSE_INTERNAL_ERROR = 1011;
/** How long closing connections get to finish the closing handshake at shutdown. */
const CLOSE_GRACE_MS = 3000;
/** A connection that has not answered a ping by the next one is dropped. */
const KEEPALIVE_MS = 12_000;

/** How a refused connection_init closes: the code tells a client whether to retry. */
function wsRefusal(error: unknown): [number, string] {
  if (error instanceof AppError && error.code === ErrorCode.RateLimited) {
    return [WS_CLOSE_RATE_LIMITED, `RATE_LIMITED: ${error.message}`];
  }
  if (isDatabaseUnavailable(error)) {
    // Credentials could not be checked (database down): the standard "try again later".
    return [WS_CLOSE_TRY_AGAIN, `SERVICE_UNAVAILABLE: ${databaseUnavailable().message}`];
  }
  const message = error instanceof AppError ? error.message : 'Authentication failed';
  return [WS_CLOSE_UNAUTHENTICATED, `UNAUTHENTICATED: ${message}`];
}

/** What the GraphQL context of a websocket operation is built from (`ctx.extra`). */
export interface WsExtra {
  request: IncomingMessage & { actor?: Actor };
  socket: WebSocket;
}

/**
 * GraphQL subscriptions over websocket at /graphql: graphql-ws on a `ws` server of our own,
 * for the limits a client could otherwise run the process out of memory with.
 *
 * - A message larger than WS_MAX_PAYLOAD is refused from its frame header (close 1009), before
 *   any of it is buffered, authenticated or not.
 * - graphql-ws waits for each send before it takes the next event from a subscription; waiting
 *   for the socket would move a slow reader's backlog into the subscription's queue, where no
 *   byte limit sees it. So sends return at once, the backlog stays in the socket's buffer,
 *   and WsLimits closes a connection whose unsent bytes pass WS_MAX_BUFFERED_BYTES (1013).
 *
 * It is an Apollo plugin to close its connections (1001) when Apollo drains: Apollo then
 * ends every socket not serving an HTTP request, websockets included.
 */
@Plugin()
@Injectable()
export class GraphQLWsServer implements OnApplicationBootstrap, ApolloServerPlugin {
  private readonly logger = new Logger('GraphQLWs');
  private readonly limits: WsLimits;
  private wss?: WebSocketServer;
  private httpServer?: HttpServer;
  private heartbeat?: NodeJS.Timeout;
  private readonly awaitingPong = new WeakSet<WebSocket>();

  constructor(
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
    private readonly authenticator: Authenticator,
    private readonly metrics: MetricsService,
  ) {
    this.limits = new WsLimits(config);
  }

  onApplicationBootstrap(): void {
    const wss = new WebSocketServer({
      noServer: true,
      path: '/graphql',
      maxPayload: WS_MAX_PAYLOAD,
      handleProtocols,
    });
    const server = this.graphqlWs();
    wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      const closed = server.opened(
        {
          protocol: socket.protocol,
          send: (data) => this.send(socket, data),
          close: (code, reason) => socket.close(code, reason),
          onMessage: (handle) =>
            socket.on('message', (data) => {
              handle(String(data)).catch((error: unknown) => this.failed(socket, error));
            }),
        },
        { socket, request } satisfies WsExtra,
      );
      socket.on('pong', () => this.awaitingPong.delete(socket));
      // Protocol errors (an oversized frame, bad UTF-8): ws has already closed with the code.
      socket.on('error', (error: Error & { code?: string }) => {
        if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
          this.metrics.websocketClosed.inc({ reason: 'message_too_large' });
        }
        this.logger.debug(`Websocket closed on a protocol error: ${error.message}`);
      });
      socket.once('close', (code: number, reason: Buffer) => {
        void closed(code, String(reason));
      });
    });
    this.heartbeat = setInterval(() => this.ping(wss), KEEPALIVE_MS);
    this.heartbeat.unref();
    this.httpServer = this.adapterHost.httpAdapter.getHttpServer() as HttpServer;
    this.httpServer.on('upgrade', this.upgrade);
    this.wss = wss;
  }

  async serverWillStart(): Promise<GraphQLServerListener> {
    return { drainServer: () => this.close() };
  }

  /** Closes every connection with 1001 (going away), so clients reconnect elsewhere. */
  private async close(): Promise<void> {
    const wss = this.wss;
    if (!wss) return;
    this.wss = undefined;
    clearInterval(this.heartbeat);
    this.httpServer?.off('upgrade', this.upgrade);
    for (const client of wss.clients) client.close(WS_CLOSE_GOING_AWAY, 'Going away');
    // A client that does not read would hold its socket (and the shutdown) for ws's 30 s.
    const deadline = setTimeout(() => {
      for (const client of wss.clients) client.terminate();
    }, CLOSE_GRACE_MS);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    clearTimeout(deadline);
  }

  /** Paths other than /graphql are refused by `handleUpgrade` (400), never left open. */
  private readonly upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const wss = this.wss;
    if (!wss) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (client) => wss.emit('connection', client, request));
  };

  private send(socket: WebSocket, data: string): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (this.limits.dropIfSlow(socket)) {
      this.metrics.websocketClosed.inc({ reason: 'slow_consumer' });
      return;
    }
    socket.send(data);
  }

  private ping(wss: WebSocketServer): void {
    for (const socket of wss.clients) {
      if (this.awaitingPong.has(socket)) {
        socket.terminate();
      } else if (socket.readyState === WebSocket.OPEN) {
        this.awaitingPong.add(socket);
        socket.ping();
      }
    }
  }

  private failed(socket: WebSocket, error: unknown): void {
    this.logger.error({ err: error }, 'Handling a websocket message failed');
    socket.close(WS_CLOSE_INTERNAL_ERROR, 'Internal server error');
  }

  /**
   * graphql-ws with the same limits, error shapes and authentication as over HTTP. Documents
   * are parsed and validated in onSubscribe: graphql-ws's own parse throws on a syntax error,
   * which would close the whole connection; errors returned from here answer the one operation.
   */
  private graphqlWs() {
    const { schemaHost, authenticator, limits, metrics } = this;
    const validate = validateWithLimits(this.config);
    const prepare = (payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] => {
      const document = parseWithLimits(payload.query);
      if (Array.isArray(document)) return document;
      const schema = schemaHost.schema;
      // graphql-ws's own error for an operation it cannot tell has no code.
      const errors = [
        ...validate(schema, document),
        ...operationResolutionErrors(document, payload.operationName),
      ];
      if (errors.length > 0) return errors;
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
      };
    };
    return makeServer<Record<string, unknown> | undefined, WsExtra>({
      context: (ctx) => ({ req: ctx.extra.request }),
      onError: (_ctx, _id, _payload, errors: readonly GraphQLError[]) => formatErrors(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        formatStreamedResult(result as ExecutionResult),
      onSubscribe: (ctx: Context, _id, payload) =>
        limits.refuseSubscription(Object.keys(ctx.subscriptions).length) ?? prepare(payload),
      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        if (!limits.admit(socket)) {
          metrics.websocketClosed.inc({ reason: 'connection_limit' });
          return false;
        }
        try {
          request.actor = await authenticator.authenticate(
            parseBearer(ctx.connectionParams?.authorization),
            request,
          );
          return true;
        } catch (error) {
          const [code, reason] = wsRefusal(error);
          socket.close(code, reason.slice(0, 120));
          return false;
        }
      },
    });
  }
}
