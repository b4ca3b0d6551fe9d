import { Logger } from '@nestjs/common';

const logger = new Logger('PubSub');

export type MessageHandler = (message: unknown) => void;

/**
 * Cross-instance broadcast of small JSON messages (change events): Redis pub/sub in
 * production, in memory in the embedded mode. Delivery is at most once: a consumer that
 * must not miss state reloads it from the database in `onReconnect`.
 */
export abstract class PubSub {
  /**
   * Sends the JSON form of `message` to every current subscriber of the channel. Rejects
   * promptly, never waiting out an outage, when the broker cannot be reached.
   */
  abstract publish(channel: string, message: unknown): Promise<void>;

  /**
   * Resolves once subscribed, which during a broker outage is when the broker is back; a
   * caller that cannot wait that long goes on without it and re-reads its state once this
   * resolves. Returns the function that removes this handler.
   */
  abstract subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;

  /** Called after the connection to the broker came back from a drop (messages may be lost). */
  abstract onReconnect(handler: () => void): () => void;

  /**
   * Publishes a message whose loss the readers survive (they catch up another way), so a
   * failure is logged, not thrown: resolves whether the message went out.
   */
  async tryPublish(channel: string, message: unknown): Promise<boolean> {
    try {
      await this.publish(channel, message);
      return true;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn(`Could not publish on ${channel}: ${reason}`);
      return false;
    }
  }
}

export function encodeMessage(channel: string, message: unknown): string {
  const encoded = JSON.stringify(message);
  if (encoded === undefined) {
    throw new TypeError(`Cannot publish ${typeof message} on ${channel}: not JSON-serialisable`);
  }
  return encoded;
}

/** Calls a handler so that its failure (thrown or rejected) is logged and harms no other. */
export function deliver(
  handler: MessageHandler,
  message: unknown,
  onError: (error: unknown) => void,
): void {
  try {
    const result: unknown = handler(message);
    if (result instanceof Promise) result.catch(onError);
  } catch (error) {
    onError(error);
  }
}
