import { DataSource } from 'typeorm';
import { createApiKey } from '../factories/api-key.factory';
import { errorCode, startTestApp, TestApp } from '../support/test-app';
import { connectionInit } from '../support/ws-client';

const ME = '{ me { id name roles environment { key } } }';

describe('API keys and authentication', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['no token', null],
    ['a malformed token', 'not a token!'],
    ['an unknown token', 'bc_unknownunknownunknownunknown'],
  ])('refuses %s with UNAUTHENTICATED', async (_label, token) => {
    const response = await app.gql(ME, {}, token);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(response.data).toBeNull();
  });

  it('accepts the bootstrap ADMIN_TOKEN', async () => {
    const response = await app.gql<{ me: { roles: string[] } }>(ME);
    expect(response.errors).toBeUndefined();
    expect(response.data?.me.roles).toEqual(['ADMIN']);
  });

  it('creates a key whose token works and is stored only as a hash', async () => {
    const key = await createApiKey(app, { name: 'reader', roles: ['VIEWER'] });
    expect(key.token).toMatch(/^bc_[A-Za-z0-9_-]{43}$/);
    const me = await app.gql<{ me: { id: string; name: string } }>(ME, {}, key.token);
    expect(me.data?.me).toMatchObject({ id: key.id, name: 'reader' });
    const [row] = await app.running.app
      .get(DataSource)
      .query('SELECT token_hash, token_prefix FROM api_key WHERE id = $1', [key.id]);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).not.toContain(key.token);
    expect(key.token.startsWith(row.token_prefix)).toBe(true);
  });

  it('refuses a revoked key with UNAUTHENTICATED', async () => {
    const key = await createApiKey(app);
    expect((await app.gql(ME, {}, key.token)).errors).toBeUndefined();
    const revoked = await app.gql<{ revokeApiKey: { apiKey: { revokedAt: string } } }>(
      `mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { revokedAt } } }`,
      { input: { id: key.id } },
    );
    expect(revoked.data?.revokeApiKey.apiKey.revokedAt).toEqual(expect.any(String));
    expect(errorCode(await app.gql(ME, {}, key.token))).toBe('UNAUTHENTICATED');
  });

  it('refuses a role that is too weak with FORBIDDEN naming the role needed', async () => {
    const viewer = await createApiKey(app, { roles: ['VIEWER'] });
    const response = await app.gql(
      `mutation { createEnvironment(input: { key: "staging", name: "Staging" }) { environment { id } } }`,
      {},
      viewer.token,
    );
    expect(errorCode(response)).toBe('FORBIDDEN');
    expect(response.errors?.[0].message).toContain('admin');
    expect(response.errors?.[0].extensions?.requiredRoles).toEqual(['admin']);
  });

  it('keeps sdk keys away from management queries', async () => {
    const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
    const response = await app.gql('{ apiKeys { edges { node { id } } } }', {}, sdk.token);
    expect(errorCode(response)).toBe('FORBIDDEN');
  });

  it('refuses a key scoped to one environment on another with FORBIDDEN', async () => {
    const scoped = await createApiKey(app, { roles: ['VIEWER'], environment: 'development' });
    const own = await app.gql<{ environment: { key: string } }>(
      '{ environment(key: "development") { key } }',
      {},
      scoped.token,
    );
    expect(own.data?.environment.key).toBe('development');
    const other = await app.gql('{ environment(key: "production") { key } }', {}, scoped.token);
    expect(errorCode(other)).toBe('FORBIDDEN');
    const list = await app.gql<{ environments: { key: string }[] }>(
      '{ environments { key } }',
      {},
      scoped.token,
    );
    expect(list.data?.environments.map((e) => e.key)).toEqual(['development']);
  });

  it('requires an environment for sdk keys', async () => {
    const response = await app.gql(
      `mutation { createApiKey(input: { name: "app", roles: [SDK] }) { token } }`,
    );
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions?.validationErrors).toEqual([
      expect.objectContaining({ path: 'input.environment', rule: 'required' }),
    ]);
  });

  it('lists keys newest first, page by page, without their secrets', async () => {
    for (let i = 0; i < 3; i += 1) await createApiKey(app, { name: `page ${i}` });
    const query = `query ($after: String) { apiKeys(first: 2, after: $after) {
      edges { cursor node { id name tokenPrefix } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      apiKeys: {
        edges: { node: { id: string; name: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof app.gql<Page>>> = await app.gql<Page>(query, { after });
      expect(page.errors).toBeUndefined();
      seen.push(...page.data!.apiKeys.edges.map((e) => e.node.id));
      after = page.data!.apiKeys.pageInfo.hasNextPage
        ? page.data!.apiKeys.pageInfo.endCursor
        : null;
    } while (after);
    expect(new Set(seen).size).toBe(seen.length);
    const total = await app.running.app
      .get(DataSource)
      .query('SELECT count(*)::int AS n FROM api_key');
    expect(seen).toHaveLength(total[0].n);
    const names = (
      await app.gql<Page>('{ apiKeys(first: 3) { edges { node { id name } } } }')
    ).data!.apiKeys.edges.map((e) => e.node.name);
    expect(names).toEqual(['page 2', 'page 1', 'page 0']);
  });

  it('refuses a cursor it did not issue with BAD_USER_INPUT', async () => {
    const response = await app.gql('{ apiKeys(after: "garbage") { edges { cursor } } }');
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    const forge = (parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const id = '00000000-0000-4000-8000-000000000000';
    for (const after of [forge(['yesterday', id]), forge(['2026-01-01T00:00:00.000Z', 'x'])]) {
      const forged = await app.gql(
        'query ($after: String) { apiKeys(after: $after) { edges { cursor } } }',
        {
          after,
        },
      );
      expect(errorCode(forged)).toBe('BAD_USER_INPUT');
    }
  });

  it('records when a key was last used', async () => {
    const key = await createApiKey(app);
    await app.gql(ME, {}, key.token);
    const dataSource = app.running.app.get(DataSource);
    let lastUsed: Date | null = null;
    for (let i = 0; i < 100 && !lastUsed; i += 1) {
      [{ last_used_at: lastUsed }] = await dataSource.query(
        'SELECT last_used_at FROM api_key WHERE id = $1',
        [key.id],
      );
      if (!lastUsed) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lastUsed).toBeInstanceOf(Date);
  });

  describe('websocket connections', () => {
    const connect = (authorization?: string) => connectionInit(app, authorization);

    it('acknowledges a connection_init with a valid token', async () => {
      expect(await connect(`Bearer ${app.adminToken}`)).toEqual({ kind: 'ack' });
    });

    it.each([
      ['no token', undefined],
      ['an unknown token', 'Bearer bc_unknownunknownunknownunknown'],
    ])('closes a connection with %s with 4401 UNAUTHENTICATED', async (_label, authorization) => {
      const result = await connect(authorization);
      expect(result).toMatchObject({ kind: 'closed', code: 4401 });
      expect(result.kind === 'closed' && result.reason).toMatch(/^UNAUTHENTICATED/);
    });
  });
});
