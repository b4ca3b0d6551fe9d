import { createClient } from 'graphql-sse';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig, updateConfig } from '../factories/config.factory';
import { startTestApp, TestApp } from '../support/test-app';

const EVALUATIONS = `subscription ($context: JSON!, $keys: [String!]) {
  evaluationsChanged(context: $context, keys: $keys) { revision full results { key value } } }`;

interface Update {
  revision: number;
  full: boolean;
  results: { key: string; value: unknown }[];
}

describe('GraphQL over SSE at /graphql/stream', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const client = (token: string) =>
    createClient({
      url: `${app.baseUrl}/graphql/stream`,
      singleConnection: false,
      headers: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });

  it('streams evaluationsChanged: the full set, then what changes', async () => {
    const config = await createConfig(app, { environment: 'production', value: 'one' });
    const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'production' });
    const sse = client(sdk.token);
    const stream = sse.iterate<{ evaluationsChanged: Update }>({
      query: EVALUATIONS,
      variables: { context: { user: { id: 'u' } }, keys: [config.key] },
    });
    const first = await stream.next();
    expect(first.value.data.evaluationsChanged).toMatchObject({
      full: true,
      results: [{ key: config.key, value: 'one' }],
    });
    await updateConfig(app, {
      environment: 'production',
      key: config.key,
      expectedVersion: 1,
      value: 'two',
    });
    const second = await stream.next();
    expect(second.value.data.evaluationsChanged).toMatchObject({
      full: false,
      results: [{ key: config.key, value: 'two' }],
    });
    await stream.return?.();
    sse.dispose();
  });

  it('refuses a request without a valid token, with the HTTP error codes', async () => {
    const sse = client('bc_not-a-real-token');
    const stream = sse.iterate({ query: EVALUATIONS, variables: { context: {} } });
    const result = await stream.next().then(
      (r) => r.value,
      (error: unknown) => error,
    );
    expect(JSON.stringify(result)).toMatch(/UNAUTHENTICATED/);
    sse.dispose();
  });

  const post = (query: string) =>
    fetch(`${app.baseUrl}/graphql/stream`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${app.adminToken}`,
      },
      body: JSON.stringify({ query }),
    });

  it('answers a syntax error with 400 and GRAPHQL_PARSE_FAILED', async () => {
    const response = await post('subscription {');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        expect.objectContaining({
          message: expect.stringMatching(/^Syntax Error/),
          extensions: { code: 'GRAPHQL_PARSE_FAILED' },
        }),
      ],
    });
  });

  it('answers a document whose operation cannot be told with OPERATION_RESOLUTION_FAILURE, as over HTTP', async () => {
    const response = await post(
      'subscription a { evaluationsChanged(context: {}) { full } } query b { me { id } }',
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [expect.objectContaining({ extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })],
    });
  });

  it('refuses a document over the token limit when parsing, before validating it', async () => {
    // ~900 KB: validating this many fields would hold the event loop for seconds.
    const response = await post(
      `subscription { evaluationsChanged(context: {}) { ${'full '.repeat(180_000)}} }`,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        expect.objectContaining({
          message: expect.stringMatching(/more \w+ 5000 tokens/),
          extensions: { code: 'GRAPHQL_PARSE_FAILED' },
        }),
      ],
    });
  });

  it('ends open streams at shutdown, so clients reconnect elsewhere', async () => {
    const other = await startTestApp();
    const config = await createConfig(other, { value: 'x' });
    const response = await fetch(`${other.baseUrl}/graphql/stream`, {
      method: 'POST',
      headers: {
        accept: 'text/event-stream',
        'content-type': 'application/json',
        authorization: `Bearer ${other.adminToken}`,
      },
      body: JSON.stringify({
        query: `subscription ($keys: [String!]) {
          evaluationsChanged(environment: "development", context: {}, keys: $keys) { full } }`,
        variables: { keys: [config.key] },
      }),
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('event: next');
    // Ended by the server, not cut when the HTTP server's drain gives up on it: the response
    // completes (a socket destroyed instead would fail the read).
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    })().catch((error: unknown) => `failed: ${String(error)}`);
    await other.close();
    expect(await ended).toBe('ended');
  });
});
