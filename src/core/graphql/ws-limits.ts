import { GraphQLError } from 'graphql';
import { AppConfig } from '../config/app-config';
import { AppError, ErrorCode } from '../errors/app-error';

/** WebSocket close code 1013, "try again later": the client should reconnect, maybe elsewhere. */
export const WS_CLOSE_TRY_AGAIN = 1013;

/**
 * The largest message a client may send over websocket, the same budget as an HTTP body
 * (MAX_BODY): `ws` refuses a larger frame from its header (close 1009), before buffering it.
 */
export const WS_MAX_PAYLOAD = 1024 * 1024;

export interface LimitedSocket {
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Limits of the websocket transport, per instance: how many connections, how many
 * subscriptions each, and how much a connection may leave unsent (a client that stops
 * reading is disconnected, not buffered for without bound).
 */
export class WsLimits {
  private connections = 0;

  constructor(
    private readonly config: Pick<
      AppConfig,
      'WS_MAX_CONNECTIONS' | 'WS_MAX_SUBSCRIPTIONS' | 'WS_MAX_BUFFERED_BYTES'
    >,
  ) {}

  /** Admits a connection, or closes it when the instance is full. */
  admit(socket: LimitedSocket): boolean {
    if (this.connections >= this.config.WS_MAX_CONNECTIONS) {
      socket.close(WS_CLOSE_TRY_AGAIN, 'This instance is at its connection limit');
      return false;
    }
    this.connections += 1;
    socket.once('close', () => (this.connections -= 1));
    return true;
  }

  /** An error when `held` (counting the new one) is over the per-connection limit. */
  refuseSubscription(held: number): GraphQLError[] | undefined {
    if (held <= this.config.WS_MAX_SUBSCRIPTIONS) return undefined;
    const message = `A connection may hold at most ${this.config.WS_MAX_SUBSCRIPTIONS} subscriptions`;
    return [
      new GraphQLError(message, {
        originalError: new AppError(ErrorCode.RateLimited, message),
        extensions: { code: ErrorCode.RateLimited },
      }),
    ];
  }

  /** Closes a connection whose unsent data passed the limit; true when it did. */
  dropIfSlow(socket: LimitedSocket): boolean {
    if (socket.bufferedAmount <= this.config.WS_MAX_BUFFERED_BYTES) return false;
    socket.close(WS_CLOSE_TRY_AGAIN, 'Too slow: reconnect with sinceRevision');
    return true;
  }
}
