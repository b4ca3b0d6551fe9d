import { LoggerService } from '@nestjs/common';
import { getRepositoryToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Logger as PinoLogger } from 'nestjs-pino';
import WebSocket from 'ws';
import { Repository } from 'typeorm';
import { hashToken } from '../../src/core/auth/token.util';
import { ApiKey } from '../../src/modules/api-keys/api-key.entity';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig } from '../factories/config.factory';
import { errorCode, startTestApp, TestApp } from '../support/test-app';

const EVALUATE = `query { evaluate(environment: "development", context: {}) { key value } }`;
const ME = `query { environments { key } }`;

const randomToken = () => `bc_${randomBytes(32).toString('base64url')}`;

/** Counts the key look-ups that reach the database, per token. */
function countLookups(app: TestApp): (token: string) => number {
  const repository = app.running.app.get<Repository<ApiKey>>(getRepositoryToken(ApiKey));
  const spy = jest.spyOn(repository, 'findOneBy');
  return (token) => {
    const tokenHash = hashToken(token);
    return spy.mock.calls.filter(
      ([where]) => (where as { tokenHash?: string }).tokenHash === tokenHash,
    ).length;
  };
}

describe('authentication under load and abuse', () => {
  let app: TestApp;
  let lookups: (token: string) => number;

  beforeAll(async () => {
    app = await startTestApp();
    lookups = countLookups(app);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await app.close();
  });

  it('makes concurrent requests with one new token share one look-up', async () => {
    const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => app.gql(EVALUATE, {}, sdk.token)),
    );
    expect(responses.map((r) => r.errors)).toEqual(Array(30).fill(undefined));
    expect(lookups(sdk.token)).toBe(1);
  });

  it('looks an unknown token up once, then refuses it from the negative cache', async () => {
    const unknown = randomToken();
    for (let i = 0; i < 5; i += 1) {
      expect(errorCode(await app.gql(EVALUATE, {}, unknown))).toBe('UNAUTHENTICATED');
    }
    expect(lookups(unknown)).toBe(1);
  });
});

describe('client errors in the log', () => {
  let app: TestApp;
  const entries: { level: string; args: unknown[] }[] = [];
  const capture: LoggerService = Object.fromEntries(
    ['log', 'warn', 'error', 'debug', 'verbose', 'fatal'].map((level) => [
      level,
      (...args: unknown[]) => entries.push({ level, args }),
    ]),
  ) as unknown as LoggerService;

  beforeAll(async () => {
    app = await startTestApp();
    app.running.app.useLogger(capture);
  });

  afterAll(async () => {
    app.running.app.useLogger(app.running.app.get(PinoLogger));
    await app.close();
  });

  const about = (code: string) => entries.filter((e) => JSON.stringify(e.args).includes(code));

  it.each([
    ['UNAUTHENTICATED', () => app.gql(EVALUATE, {}, randomToken())],
    [
      'FORBIDDEN',
      async () =>
        app.gql(
          `mutation { createEnvironment(input: { key: "nope", name: "Nope" }) { environment { key } } }`,
          {},
          (await createApiKey(app, { roles: ['VIEWER'] })).token,
        ),
    ],
    [
      'CONFLICT',
      async () => {
        const config = await createConfig(app, { value: 'x' });
        return app.gql(
          `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { key } } }`,
          {
            input: {
              environment: 'development',
              key: config.key,
              valueType: 'STRING',
              value: 'y',
              defaultValue: 'y',
            },
          },
        );
      },
    ],
  ])('logs %s once, at info or warn, without a stack', async (code, request) => {
    entries.length = 0;
    const response = await request();
    expect(errorCode(response as never)).toBe(code);
    const logged = about(code);
    expect(logged).toHaveLength(1);
    expect(['log', 'warn']).toContain(logged[0].level);
    expect(JSON.stringify(logged[0].args)).not.toMatch(/\n\s+at |"stack"/);
    expect(entries.filter((e) => e.level === 'error')).toEqual([]);
  });
});

describe('failed authentication from one address', () => {
  let app: TestApp;
  let lookups: (token: string) => number;
  const LIMIT = 3;

  beforeAll(async () => {
    app = await startTestApp({ env: { AUTH_FAILURE_LIMIT: String(LIMIT) } });
    lookups = countLookups(app);
    // The admin's key, verified before the address is throttled, keeps working.
    expect((await app.gql(ME)).errors).toBeUndefined();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await app.close();
  });

  function connectWs(authorization: string): Promise<{ code: number; reason: string }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(
        `${app.baseUrl.replace('http', 'ws')}/graphql`,
        'graphql-transport-ws',
      );
      socket.on('open', () =>
        socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } })),
      );
      socket.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
      socket.on('error', reject);
    });
  }

  it('is throttled with RATE_LIMITED and Retry-After on every transport, without look-ups', async () => {
    for (let i = 0; i < LIMIT; i += 1) {
      expect(errorCode(await app.gql(EVALUATE, {}, randomToken()))).toBe('UNAUTHENTICATED');
    }
    const guess = randomToken();

    const graphql = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${guess}` },
      body: JSON.stringify({ query: EVALUATE }),
    });
    const body = (await graphql.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0].extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
    expect(graphql.headers.get('retry-after')).toMatch(/^\d+$/);

    const ofrep = await fetch(`${app.baseUrl}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${guess}` },
      body: JSON.stringify({ context: {} }),
    });
    expect(ofrep.status).toBe(429);
    expect(ofrep.headers.get('retry-after')).toMatch(/^\d+$/);

    const sse = await fetch(`${app.baseUrl}/graphql/stream`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${guess}`,
      },
      body: JSON.stringify({
        query: `subscription { evaluationsChanged(environment: "development", context: {}) { revision } }`,
      }),
    });
    expect(await sse.text()).toContain('RATE_LIMITED');

    expect(await connectWs(`Bearer ${guess}`)).toMatchObject({
      code: 4429,
      reason: expect.stringContaining('RATE_LIMITED'),
    });

    expect(lookups(guess)).toBe(0);
    expect((await app.gql(ME)).errors).toBeUndefined();
  });
});
