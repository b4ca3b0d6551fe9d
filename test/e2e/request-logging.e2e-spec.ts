import { symbols } from 'pino';
import { RequestLogging } from '../../src/core/logging/request-logging';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig } from '../factories/config.factory';
import { eventually, startTestApp, TestApp } from '../support/test-app';

interface LogLine {
  msg: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
}

describe('request ids and the request log', () => {
  let app: TestApp;
  let sdkToken: string;
  const lines: LogLine[] = [];
  const ofrep = (key: string, headers: Record<string, string> = {}) =>
    fetch(`${app.baseUrl}/ofrep/v1/evaluate/flags/${key}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${sdkToken}`,
        ...headers,
      },
      body: JSON.stringify({ context: { targetingKey: 'u-1' } }),
    });
  const logged = (id: string) =>
    eventually(async () => lines.find((l) => l.msg === 'request completed' && l.req?.id === id), {
      what: `the request log line of ${id}`,
    });

  beforeAll(async () => {
    app = await startTestApp({ env: { LOG_LEVEL: 'info' } });
    const root = app.running.app.get(RequestLogging).root as unknown as Record<symbol, unknown>;
    root[symbols.streamSym] = { write: (line: string) => lines.push(JSON.parse(line) as LogLine) };
    sdkToken = (await createApiKey(app, { roles: ['SDK'], environment: 'production' })).token;
  });

  afterAll(async () => {
    await app.close();
  });

  it('OFREP echoes a given X-Request-Id and logs the request under it', async () => {
    const config = await createConfig(app, { environment: 'production', value: 'on' });
    const response = await ofrep(config.key, { 'x-request-id': 'ofrep-req-1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('ofrep-req-1');
    expect(await logged('ofrep-req-1')).toMatchObject({
      req: { method: 'POST', url: `/ofrep/v1/evaluate/flags/${config.key}` },
      res: { statusCode: 200 },
    });
  });

  it('OFREP generates a request id when none (or a malformed one) is given', async () => {
    const response = await ofrep('no.such.flag', { 'x-request-id': 'bad id with spaces' });
    expect(response.status).toBe(404);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await logged(id!)).toMatchObject({ res: { statusCode: 404 } });
  });

  it('GraphQL requests get the same', async () => {
    const response = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.adminToken}` },
      body: JSON.stringify({ query: '{ environments { key } }' }),
    });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await logged(id!)).toMatchObject({ req: { method: 'POST', url: '/graphql' } });
  });
});
