import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { createConfig, updateConfig } from '../factories/config.factory';
import { startTestApp, TestApp } from '../support/test-app';

const MiB = 1024 * 1024;

/** A websocket speaking graphql-ws's subprotocol, open but not (yet) authenticated. */
async function openSocket(app: TestApp): Promise<WebSocket> {
  const socket = new WebSocket(
    `${app.baseUrl.replace('http', 'ws')}/graphql`,
    'graphql-transport-ws',
  );
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return socket;
}

function closeCode(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

/** The value of websocket_limit_closes_total for a reason, from /metrics. */
async function limitCloses(app: TestApp, reason: string): Promise<number> {
  const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`websocket_limit_closes_total{reason="${reason}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('websocket limits', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { WS_MAX_BUFFERED_BYTES: String(256 * 1024) } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('closes with 1009 a 50 MB frame from a client that never authenticated', async () => {
    const frame = Buffer.alloc(50 * MiB, 'x');
    const socket = await openSocket(app);
    const closed = closeCode(socket);
    socket.send(frame);
    expect(await closed).toBe(1009);
  });

  it('refuses an oversized frame from its header, before any of the payload arrives', async () => {
    const socket = await openSocket(app);
    const closed = closeCode(socket);
    // A masked text frame announcing 50 MB (64-bit length), followed by just 4 bytes of it.
    const header = Buffer.alloc(14);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(50 * MiB), 2);
    (socket as unknown as { _socket: Socket })._socket.write(
      Buffer.concat([header, Buffer.from('xxxx')]),
    );
    expect(await closed).toBe(1009);
    expect(await limitCloses(app, 'message_too_large')).toBeGreaterThanOrEqual(1);
  });

  it('closes with 1013 a client that stops reading once its backlog passes WS_MAX_BUFFERED_BYTES', async () => {
    // Each update pushes ~200 KB to each of 40 subscriptions: 8 MB per update, so the kernel's
    // socket buffers fill within a few updates (well inside the 12 s keepalive).
    const value = (n: number) => ({ n, blob: 'x'.repeat(200_000) });
    const config = await createConfig(app, {
      valueType: 'JSON',
      value: value(0),
      defaultValue: {},
    });
    const socket = await openSocket(app);
    const closed = closeCode(socket);
    let acknowledged = false;
    let received = 0;
    const waiters: (() => void)[] = [];
    socket.on('close', () => waiters.splice(0).forEach((wake) => wake()));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'connection_ack') acknowledged = true;
      if (message.type === 'next') received += 1;
      waiters.splice(0).forEach((wake) => wake());
    });
    const until = async (check: () => boolean) => {
      while (!check()) {
        expect(socket.readyState).toBe(WebSocket.OPEN);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    socket.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: `Bearer ${app.adminToken}` },
      }),
    );
    await until(() => acknowledged);
    // One at a time, so no burst of first messages counts as a backlog.
    const subscriptions = 40;
    for (let id = 1; id <= subscriptions; id += 1) {
      socket.send(
        JSON.stringify({
          id: String(id),
          type: 'subscribe',
          payload: {
            query: `subscription ($keys: [String!]) {
              evaluationsChanged(environment: "development", context: {}, keys: $keys) {
                revision results { key value } } }`,
            variables: { keys: [config.key] },
          },
        }),
      );
      await until(() => received === id);
    }

    // The client stops reading; the server keeps pushing until the backlog is too large.
    (socket as unknown as { _socket: Socket })._socket.pause();
    let updates = 0;
    while ((await limitCloses(app, 'slow_consumer')) === 0) {
      expect(updates).toBeLessThan(20); // 160 MB pushed and never disconnected
      updates += 1;
      const response = await updateConfig(app, {
        key: config.key,
        expectedVersion: updates,
        value: value(updates),
      });
      expect(response.errors).toBeUndefined();
    }

    // Reading again, the client gets what was sent before the limit, then the close.
    (socket as unknown as { _socket: Socket })._socket.resume();
    expect(await closed).toBe(1013);
    expect(received).toBeLessThan(subscriptions * (updates + 1));
  });
});
