import { createApiKey, CreatedKey } from '../factories/api-key.factory';
import { errorCode, startTestApp, TestApp } from '../support/test-app';

const CREATE_KEY = `mutation ($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { token apiKey { id roles environment { key } } } }`;
const REVOKE_KEY = `mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id revokedAt } } }`;
const KEYS = `query { apiKeys(first: 100) { edges { node { id environment { key } } } } }`;
const ME = `query { me { id } }`;

type Keys = { apiKeys: { edges: { node: { id: string; environment: { key: string } | null } }[] } };

describe('API keys never exceed their scope', () => {
  let app: TestApp;
  let scopedAdmin: CreatedKey;
  let productionKey: CreatedKey;
  let bootstrapId: string;

  beforeAll(async () => {
    app = await startTestApp();
    scopedAdmin = await createApiKey(app, { roles: ['ADMIN'], environment: 'development' });
    productionKey = await createApiKey(app, { roles: ['VIEWER'], environment: 'production' });
    bootstrapId = (await app.gql<{ me: { id: string } }>(ME)).data!.me.id;
  });

  afterAll(async () => {
    await app.close();
  });

  it('lets a scoped admin create keys only in its own environment', async () => {
    const unscoped = await app.gql(
      CREATE_KEY,
      { input: { name: 'escape', roles: ['ADMIN'] } },
      scopedAdmin.token,
    );
    expect(errorCode(unscoped)).toBe('FORBIDDEN');
    const elsewhere = await app.gql(
      CREATE_KEY,
      { input: { name: 'escape', roles: ['EDITOR'], environment: 'production' } },
      scopedAdmin.token,
    );
    expect(errorCode(elsewhere)).toBe('FORBIDDEN');

    const own = await app.gql<{
      createApiKey: { apiKey: { roles: string[]; environment: { key: string } } };
    }>(
      CREATE_KEY,
      { input: { name: 'dev editor', roles: ['EDITOR'], environment: 'development' } },
      scopedAdmin.token,
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.createApiKey.apiKey).toMatchObject({
      roles: ['EDITOR'],
      environment: { key: 'development' },
    });
  });

  it('shows a scoped admin only the keys of its environment', async () => {
    const seen = await app.gql<Keys>(KEYS, {}, scopedAdmin.token);
    expect(seen.errors).toBeUndefined();
    const nodes = seen.data!.apiKeys.edges.map((e) => e.node);
    expect(nodes.map((n) => n.id)).toContain(scopedAdmin.id);
    expect(nodes.map((n) => n.id)).not.toContain(bootstrapId);
    expect(nodes.map((n) => n.id)).not.toContain(productionKey.id);
    expect(nodes.every((n) => n.environment?.key === 'development')).toBe(true);

    const all = await app.gql<Keys>(KEYS);
    expect(all.data!.apiKeys.edges.map((e) => e.node.id)).toEqual(
      expect.arrayContaining([bootstrapId, productionKey.id, scopedAdmin.id]),
    );
  });

  it('lets a scoped admin revoke only keys of its environment', async () => {
    for (const id of [bootstrapId, productionKey.id]) {
      expect(errorCode(await app.gql(REVOKE_KEY, { id }, scopedAdmin.token))).toBe('FORBIDDEN');
    }
    expect((await app.gql(ME)).data).toEqual({ me: { id: bootstrapId } });
    expect((await app.gql(ME, {}, productionKey.token)).data).toEqual({
      me: { id: productionKey.id },
    });

    const devKey = await createApiKey(app, { roles: ['VIEWER'], environment: 'development' });
    const revoked = await app.gql<{ revokeApiKey: { apiKey: { revokedAt: string | null } } }>(
      REVOKE_KEY,
      { id: devKey.id },
      scopedAdmin.token,
    );
    expect(revoked.data!.revokeApiKey.apiKey.revokedAt).not.toBeNull();
  });

  it('leaves operations over every environment to unscoped admins', async () => {
    const created = await app.gql(
      `mutation { createEnvironment(input: { key: "staging-x", name: "Staging" }) { environment { key } } }`,
      {},
      scopedAdmin.token,
    );
    expect(errorCode(created)).toBe('FORBIDDEN');
    const environments = await app.gql<{ environments: { key: string }[] }>(
      `query { environments { key } }`,
    );
    expect(environments.data!.environments.map((e) => e.key)).not.toContain('staging-x');

    const maintenance = await app.gql(
      `mutation { runMaintenance(input: { task: PRUNE_REVOKED_API_KEYS }) { jobId } }`,
      {},
      scopedAdmin.token,
    );
    expect(errorCode(maintenance)).toBe('FORBIDDEN');
  });
});
