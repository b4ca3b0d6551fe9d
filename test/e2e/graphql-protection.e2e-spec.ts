import { Logger } from '@nestjs/common';
import { errorCode, startTestApp, TestApp } from '../support/test-app';

describe('GraphQL request protection', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      env: { GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_COST: '200', GRAPHQL_MAX_ALIASES: '3' },
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('refuses a query over the depth limit with an error naming the limit', async () => {
    const response = await app.gql(
      '{ me { environment { key } } apiKeys { edges { node { environment { name } } } } }',
    );
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0].message).toMatch(/depth limit of 4/i);
  });

  it('refuses a query over the cost limit with an error naming the limit', async () => {
    const fields = Array.from({ length: 60 }, (_, i) => `f${i}: key`).join(' ');
    const response = await app.gql(`{ environments { ${fields} } }`);
    expect(response.data).toBeUndefined();
    expect(response.errors?.map((e) => e.message).join('\n')).toMatch(/cost limit|aliases limit/i);
  });

  it('refuses too many aliases with an error naming the limit', async () => {
    const response = await app.gql(
      '{ a: me { id } b: me { id } c: me { id } d: me { id } e: me { id } }',
    );
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0].message).toMatch(/aliases limit of 3/i);
  });

  it('answers a syntax error with HTTP 400 and GRAPHQL_PARSE_FAILED', async () => {
    const response = await app.gql('{');
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('GRAPHQL_PARSE_FAILED');
    expect(response.errors?.[0].message).toMatch(/^Syntax Error/);
  });

  it('refuses a query over the token limit as a parse failure naming the limit', async () => {
    const response = await app.gql(`{ me { ${'name '.repeat(6000)}} }`);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('GRAPHQL_PARSE_FAILED');
    expect(response.errors?.[0].message).toMatch(/more \w+ 5000 tokens/);
  });

  it('answers HTTP 413 to a body over 1 MB', async () => {
    const response = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.adminToken}` },
      body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: 'request entity too large', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('answers a body that is not JSON, or in an unknown charset, as a client error, not logged as the server’s', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error');
    try {
      const post = (body: string, contentType = 'application/json') =>
        fetch(`${app.baseUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': contentType, authorization: `Bearer ${app.adminToken}` },
          body,
        });
      const notJson = await post('{"query": ');
      expect(notJson.status).toBe(400);
      expect(await notJson.json()).toEqual({
        errors: [{ message: expect.any(String), extensions: { code: 'BAD_REQUEST' } }],
      });
      const charset = await post('{}', 'application/json; charset=klingon');
      expect(charset.status).toBe(415);
      expect(await charset.json()).toMatchObject({
        errors: [{ extensions: { code: 'BAD_REQUEST' } }],
      });
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('refuses batched requests', async () => {
    const response = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.adminToken}` },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    expect(response.status).toBe(400);
  });

  it('refuses a simple GET request that could be a cross-site request (CSRF)', async () => {
    const response = await fetch(
      `${app.baseUrl}/graphql?query=${encodeURIComponent('{ me { id } }')}`,
      {
        headers: { authorization: `Bearer ${app.adminToken}` },
      },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/i);
  });

  it('reports every invalid input field as BAD_USER_INPUT with validationErrors', async () => {
    const response = await app.gql(
      `mutation { createEnvironment(input: { key: "Not Valid!", name: "" }) { environment { id } } }`,
    );
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    const issues = response.errors?.[0].extensions?.validationErrors as {
      path: string;
      rule: string;
    }[];
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'input.key', rule: 'matches' }),
        expect.objectContaining({ path: 'input.name', rule: 'minLength' }),
      ]),
    );
  });

  it('echoes the X-Request-Id it was given, and makes one up otherwise', async () => {
    const given = await fetch(`${app.baseUrl}/health/live`, {
      headers: { 'x-request-id': 'trace-123' },
    });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await fetch(`${app.baseUrl}/health/live`);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('introspection', () => {
  const INTROSPECT = '{ __schema { queryType { name } } }';

  it('is off when NODE_ENV=production', async () => {
    const app = await startTestApp({ env: { NODE_ENV: 'production' } });
    try {
      const response = await app.gql(INTROSPECT);
      expect(response.errors?.[0].message).toMatch(/introspection/i);
    } finally {
      await app.close();
    }
  });

  it('is on in production when GRAPHQL_INTROSPECTION=true', async () => {
    const app = await startTestApp({
      env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' },
    });
    try {
      const response = await app.gql<{ __schema: { queryType: { name: string } } }>(INTROSPECT);
      expect(response.data?.__schema.queryType.name).toBe('Query');
    } finally {
      await app.close();
    }
  });
});
