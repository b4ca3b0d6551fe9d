import http from 'node:http';
import WebSocket from 'ws';
import { startTestApp } from '../support/test-app';

describe('graceful shutdown', () => {
  it('closes open websockets with 1001 (going away) so clients reconnect elsewhere', async () => {
    const app = await startTestApp();
    const socket = new WebSocket(
      `${app.baseUrl.replace('http', 'ws')}/graphql`,
      'graphql-transport-ws',
    );
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () =>
        socket.send(
          JSON.stringify({
            type: 'connection_init',
            payload: { authorization: `Bearer ${app.adminToken}` },
          }),
        ),
      );
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'connection_ack') resolve();
      });
      socket.on('error', reject);
    });
    await app.close();
    expect(await closed).toBe(1001);
  });

  it('lets a request already in flight finish', async () => {
    const app = await startTestApp();
    const body = JSON.stringify({ query: '{ environments { key } }' });
    const request = http.request(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${app.adminToken}`,
      },
    });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (res) => {
        let text = '';
        res.on('data', (chunk) => (text += String(chunk)));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      request.on('error', reject);
    });
    // Shutdown begins once the server holds the request (headers and half the body).
    const received = new Promise((resolve) =>
      app.running.app.getHttpServer().once('request', resolve),
    );
    request.write(body.slice(0, 10));
    await received;
    const closing = app.close();
    request.end(body.slice(10));
    const { status, text } = await response;
    await closing;
    expect(status).toBe(200);
    expect(JSON.parse(text).data.environments).toContainEqual({ key: 'production' });
  });
});
