import { Logger } from '@nestjs/common';
import { deliver, encodeMessage, MessageHandler, PubSub } from './pub-sub';

/** The embedded PubSub: one process, so every message stays in memory. */
export class InProcessPubSub extends PubSub {
  private readonly logger = new Logger(InProcessPubSub.name);
  private readonly channels = new Map<string, Set<MessageHandler>>();

  async publish(channel: string, message: unknown): Promise<void> {
    const encoded = encodeMessage(channel, message);
    const handlers = [...(this.channels.get(channel) ?? [])];
    // Later, as from Redis: publishers never run subscriber code in their own call stack.
    // A promise job keeps the per-channel order and, unlike timers, is never faked in tests.
    void Promise.resolve().then(() => {
      const current = this.channels.get(channel);
      for (const handler of handlers) {
        // A handler removed since the publish no longer gets it, as with UNSUBSCRIBE.
        if (!current?.has(handler)) continue;
        deliver(handler, JSON.parse(encoded), (error) => this.report(channel, error));
      }
    });
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    let handlers = this.channels.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.channels.set(channel, handlers);
    }
    // Each subscription is its own entry, so one handler subscribed twice is removed once.
    const entry: MessageHandler = (message) => handler(message);
    handlers.add(entry);
    return async () => {
      handlers.delete(entry);
      if (handlers.size === 0 && this.channels.get(channel) === handlers) {
        this.channels.delete(channel);
      }
    };
  }

  /** Nothing to reconnect to in memory. */
  onReconnect(): () => void {
    return () => undefined;
  }

  private report(channel: string, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.error(`Handler of channel ${channel} failed: ${reason}`);
  }
}
