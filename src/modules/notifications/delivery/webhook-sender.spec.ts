import http from 'node:http';
import { AddressInfo } from 'node:net';
import { AppConfig } from '../../../core/config/app-config';
import { HostResolver } from './host-resolver';
import { WebhookSender } from './webhook-sender';

/** A real local server answering each request with `answer`, recording the paths asked. */
async function server(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const paths: string[] = [];
  const instance = http.createServer((req, res) => {
    paths.push(req.url!);
    answer(req, res);
  });
  await new Promise<void>((resolve) => instance.listen(0, '127.0.0.1', resolve));
  const { port } = instance.address() as AddressInfo;
  return {
    paths,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: () => {
      instance.closeAllConnections();
      return new Promise<void>((resolve) => instance.close(() => resolve()));
    },
  };
}

const sender = (settings: Partial<AppConfig>) =>
  new WebhookSender(
    Object.assign(new AppConfig(), { ALLOW_PRIVATE_WEBHOOKS: true, ...settings }),
    new HostResolver(),
  );

describe('WebhookSender', () => {
  it('posts the body with the headers and succeeds on a 2xx', async () => {
    let received = '';
    const target = await server((req, res) => {
      req.on('data', (chunk: Buffer) => (received += chunk.toString()));
      req.on('end', () => res.writeHead(204).end());
    });
    try {
      const outcome = await sender({}).send({
        url: target.url('/in'),
        headers: { 'webhook-id': 'abc' },
        body: '{"a":1}',
      });
      expect(outcome).toEqual(
        expect.objectContaining({ ok: true, responseCode: 204, error: null }),
      );
      expect(received).toBe('{"a":1}');
    } finally {
      await target.close();
    }
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const target = await server((req, res) =>
      req.url === '/in' ? res.writeHead(307, { location: '/elsewhere' }).end() : res.end(),
    );
    try {
      const outcome = await sender({}).send({ url: target.url('/in'), headers: {}, body: '{}' });
      expect(outcome).toEqual(
        expect.objectContaining({ ok: false, responseCode: 307, error: 'HTTP 307' }),
      );
      expect(target.paths).toEqual(['/in']);
    } finally {
      await target.close();
    }
  });

  it('gives up on a receiver that does not answer within WEBHOOK_TIMEOUT_MS', async () => {
    const target = await server(() => undefined);
    try {
      const outcome = await sender({ WEBHOOK_TIMEOUT_MS: 200 }).send({
        url: target.url('/slow'),
        headers: {},
        body: '{}',
      });
      expect(outcome).toEqual(
        expect.objectContaining({
          ok: false,
          responseCode: null,
          error: 'Timed out after 200 ms',
        }),
      );
    } finally {
      await target.close();
    }
  });

  it('refuses a loopback hostname without ALLOW_PRIVATE_WEBHOOKS, before connecting', async () => {
    const target = await server((_req, res) => res.end());
    try {
      const url = target.url('/in').replace('http://127.0.0.1', 'https://localhost');
      const outcome = await sender({ ALLOW_PRIVATE_WEBHOOKS: false }).send({
        url,
        headers: {},
        body: '{}',
      });
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(/^Refused: localhost is a loopback name/);
      expect(target.paths).toEqual([]);
    } finally {
      await target.close();
    }
  });
});
