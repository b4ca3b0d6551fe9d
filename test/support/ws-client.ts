import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { TestApp } from './test-app';

export interface Subscription<T> {
  received: T[];
  errors: unknown[];
  /** Resolves with all messages once at least `count` have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

/** A real graphql-ws client for `app`, authenticated with `token` (the admin's by default). */
export function wsClient(app: TestApp, token = app.adminToken): Client {
  return createClient({
    url: `${app.baseUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
}

export function subscribe<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Subscription<T> {
  const received: T[] = [];
  const errors: unknown[] = [];
  const waiters: (() => void)[] = [];
  const stop = client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (message) => {
        if (message.errors) errors.push(message.errors);
        if (message.data) received.push(Object.values(message.data)[0]);
        waiters.splice(0).forEach((wake) => wake());
      },
      error: (error) => {
        errors.push(error);
        waiters.splice(0).forEach((wake) => wake());
      },
      complete: () => undefined,
    },
  );
  return {
    received,
    errors,
    stop,
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for ${count} messages, got ${received.length}`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return received;
    },
  };
}

/** How the server answered a `connection_init`: acknowledged, or closed with a code. */
export type ConnectionInitOutcome =
  { kind: 'ack' } | { kind: 'closed'; code: number; reason: string };

/**
 * Opens a raw graphql-ws socket to `app`, sends `connection_init` with `authorization` (none
 * when undefined) and resolves with the server's answer; the socket is closed either way.
 */
export function connectionInit(
  app: TestApp,
  authorization?: string,
): Promise<ConnectionInitOutcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(
      `${app.baseUrl.replace('http', 'ws')}/graphql`,
      'graphql-transport-ws',
    );
    socket.on('open', () =>
      socket.send(
        JSON.stringify({
          type: 'connection_init',
          payload: authorization ? { authorization } : {},
        }),
      ),
    );
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') {
        socket.close();
        resolve({ kind: 'ack' });
      }
    });
    socket.on('close', (code, reason) => resolve({ kind: 'closed', code, reason: String(reason) }));
    socket.on('error', reject);
  });
}
