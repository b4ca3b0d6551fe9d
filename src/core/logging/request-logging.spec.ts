import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { storage } from 'nestjs-pino/storage';
import { symbols } from 'pino';
import { AppConfig } from '../config/app-config';
import { RequestLogging } from './request-logging';

/** A real HTTP server behind the middleware; `handle` runs inside the request's scope. */
async function serve(
  level: AppConfig['LOG_LEVEL'],
  handle: () => void = () => undefined,
): Promise<{
  url: string;
  lines: Record<string, unknown>[];
  children: () => number;
  server: Server;
}> {
  const logging = new RequestLogging(Object.assign(new AppConfig(), { LOG_LEVEL: level }));
  const lines: Record<string, unknown>[] = [];
  (logging.root as unknown as Record<symbol, unknown>)[symbols.streamSym] = {
    write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
  };
  const child = jest.spyOn(logging.root, 'child');
  const server = createServer((req, res) =>
    logging.middleware(req, res, () => {
      handle();
      res.end('ok');
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lines,
    children: () => child.mock.calls.length,
    server,
  };
}

describe('RequestLogging', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('builds no child logger for a request that logs nothing', async () => {
    const app = await serve('warn', () => storage.getStore()?.logger.info('not at warn'));
    server = app.server;
    const response = await fetch(`${app.url}/graphql`);
    await response.text();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.children()).toBe(0);
    expect(app.lines).toEqual([]);
  });

  it('writes lines that carry the request id, given or generated', async () => {
    const app = await serve('info', () => storage.getStore()?.logger.warn('while serving'));
    server = app.server;
    const given = await fetch(`${app.url}/ofrep/v1/evaluate/flags`, {
      headers: { 'x-request-id': 'abc-123' },
    });
    await given.text();
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const generated = await fetch(`${app.url}/graphql`);
    await generated.text();
    const id = generated.headers.get('x-request-id');

    // The request log line comes when the response has ended, so it may trail the fetch.
    while (app.lines.length < 4) await new Promise((resolve) => setImmediate(resolve));
    expect(app.lines.map((line) => [line.msg, (line.req as { id: string }).id])).toEqual([
      ['while serving', 'abc-123'],
      ['request completed', 'abc-123'],
      ['while serving', id],
      ['request completed', id],
    ]);
    expect(app.lines[1]).toMatchObject({
      req: { method: 'GET', url: '/ofrep/v1/evaluate/flags' },
      res: { statusCode: 200 },
    });
    expect(app.children()).toBe(2);
  });
});
