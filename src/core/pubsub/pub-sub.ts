export type MessageHandler = (message: unknown) => void;

/**
 * Cross-instance broadcast of small JSON messages (change events): Redis pub/sub in
 * production, in memory in the embedded mode. Delivery is at most once: a consumer that
 * must not miss state reloads it from the database in `onReconnect`.
 */
export abstract class PubSub {
  /** Sends the JSON form of `message` to every current subscriber of the channel. */
  abstract publish(channel: string, message: unknown): Promise<void>;

  /** Resolves once subscribed; returns the function that removes this handler. */
  abstract subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;

  /** Called after the connection to the broker came back from a drop (messages may be lost). */
  abstract onReconnect(handler: () => void): () => void;
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
