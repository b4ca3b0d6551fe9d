import { DataSource } from 'typeorm';
import { createApiKey } from '../factories/api-key.factory';
import { describeWithRedis, eventually, startTestApp, TestApp } from '../support/test-app';

const RUN = `mutation ($input: RunMaintenanceInput!) { runMaintenance(input: $input) { jobId } }`;
const REVOKE = `mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }`;

/** Two revoked keys, one revoked 100 days ago and one just now. */
async function revokedKeys(app: TestApp): Promise<{ old: string; recent: string }> {
  const old = await createApiKey(app, { name: 'old' });
  const recent = await createApiKey(app, { name: 'recent' });
  for (const id of [old.id, recent.id]) await app.gql(REVOKE, { input: { id } });
  await app.running.app
    .get(DataSource)
    .query(`UPDATE api_key SET revoked_at = now() - interval '100 days' WHERE id = $1`, [old.id]);
  return { old: old.id, recent: recent.id };
}

async function keyExists(app: TestApp, id: string): Promise<boolean> {
  const rows = await app.running.app
    .get(DataSource)
    .query('SELECT 1 FROM api_key WHERE id = $1', [id]);
  return rows.length > 0;
}

async function expectPruned(enqueuer: TestApp, observer: TestApp): Promise<void> {
  const keys = await revokedKeys(enqueuer);
  const response = await enqueuer.gql<{ runMaintenance: { jobId: string } }>(RUN, {
    input: { task: 'PRUNE_REVOKED_API_KEYS', retentionDays: 30 },
  });
  expect(response.errors).toBeUndefined();
  expect(response.data?.runMaintenance.jobId).toEqual(expect.any(String));
  await eventually(async () => !(await keyExists(observer, keys.old)), {
    what: 'the old revoked key to be pruned',
  });
  expect(await keyExists(observer, keys.recent)).toBe(true);
}

describe('maintenance on the in-process queue (embedded default)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { REDIS_URL: undefined, OUTBOX_RELAY: 'false' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('prunes keys revoked before the retention period', async () => {
    await expectPruned(app, app);
  });

  it('prunes outbox events published before the retention period, never unpublished ones', async () => {
    const db = app.running.app.get(DataSource);
    const insert = (publishedAt: string | null) =>
      db.query(
        `INSERT INTO outbox_event (environment_id, revision, type, payload, published_at)
         SELECT id, 0, 'test', '{}', ${publishedAt ?? 'NULL'} FROM environment WHERE key = 'development'
         RETURNING id`,
      );
    // Unpublished, but old: what a relay that never ran leaves, and it must survive.
    const [[{ id: old }], [{ id: recent }], [{ id: pending }]] = await Promise.all([
      insert(`now() - interval '3 days'`),
      insert('now()'),
      insert(null),
    ]);
    await db.query(`UPDATE outbox_event SET created_at = now() - interval '3 days' WHERE id = $1`, [
      pending,
    ]);
    const response = await app.gql(RUN, {
      input: { task: 'PRUNE_PUBLISHED_OUTBOX', retentionDays: 1 },
    });
    expect(response.errors).toBeUndefined();
    const exists = async (id: string) =>
      (await db.query('SELECT 1 FROM outbox_event WHERE id = $1', [id])).length > 0;
    await eventually(async () => !(await exists(old)), { what: 'the old event to be pruned' });
    expect(await exists(recent)).toBe(true);
    expect(await exists(pending)).toBe(true);
  });

  it('refuses retentionDays for the tasks it does not apply to, naming the field', async () => {
    for (const task of ['ROLLUP_USAGE', 'PRUNE_FETCH_LOG']) {
      const response = await app.gql(RUN, { input: { task, retentionDays: 5 } });
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        validationErrors: [expect.objectContaining({ path: 'input.retentionDays' })],
      });
      expect(response.errors?.[0]?.message).toContain(task);
    }
  });

  it("prunes fetch-log records past their environment's retention", async () => {
    const db = app.running.app.get(DataSource);
    const insert = async (age: string) => {
      const [{ id }] = await db.query(
        `INSERT INTO config_fetch_log (environment_id, config_key, reason, config_version,
           revision, channel, fetched_at)
         SELECT id, 'maintenance.pruned', 'DEFAULT', 1, 1, 'GRAPHQL', now() - $1::interval
         FROM environment WHERE key = 'development' RETURNING id`,
        [age],
      );
      return id as string;
    };
    // The development environment keeps 7 days (the default).
    const [old, recent] = [await insert('8 days'), await insert('6 days')];
    const response = await app.gql(RUN, { input: { task: 'PRUNE_FETCH_LOG' } });
    expect(response.errors).toBeUndefined();
    const exists = async (id: string) =>
      (await db.query('SELECT 1 FROM config_fetch_log WHERE id = $1', [id])).length > 0;
    await eventually(async () => !(await exists(old)), {
      what: 'the 8-day-old record to be pruned',
    });
    expect(await exists(recent)).toBe(true);
  });
});

describeWithRedis('maintenance on BullMQ: enqueued by an api process, run by a worker', () => {
  let api: TestApp;
  let worker: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ env: { ROLE: 'api' } });
    worker = await startTestApp({ shareWith: api, env: { ROLE: 'worker' } });
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  it('serves no GraphQL on the worker', async () => {
    const response = await fetch(`${worker.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ me { id } }"}',
    });
    expect(response.status).toBe(404);
  });

  it('prunes keys revoked before the retention period', async () => {
    await expectPruned(api, worker);
  });
});
