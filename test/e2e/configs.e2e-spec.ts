import { DataSource } from 'typeorm';
import { createApiKey } from '../factories/api-key.factory';
import {
  CONFIG_FIELDS,
  configInput,
  ConfigView,
  createConfig,
  uniqueKey,
  updateConfig,
} from '../factories/config.factory';
import { errorCode, GraphQLResponse, startTestApp, TestApp } from '../support/test-app';
import { flushedCountsOf } from '../support/usage-counts';

type Issue = { path: string; rule: string; message: string };

describe('configs', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.running.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    const [row] = await db.query(`SELECT count(*)::int AS n FROM (${sql}) AS t`, params);
    return row.n;
  }

  async function revision(environment = 'development'): Promise<number> {
    const [row] = await db.query('SELECT revision FROM environment WHERE key = $1', [environment]);
    return Number(row.revision);
  }

  it('creates a config with the documented defaults and reads it back', async () => {
    const key = uniqueKey('checkout');
    const created = await createConfig(app, {
      key,
      valueType: 'INTEGER',
      value: 3,
      defaultValue: 1,
      description: 'Retries',
    });
    expect(created).toMatchObject({
      key,
      valueType: 'INTEGER',
      value: 3,
      defaultValue: 1,
      description: 'Retries',
      targetingRules: [],
      rolloutPercentage: 100,
      stickiness: null,
      deploymentStrategy: 'IMMEDIATE',
      version: 1,
      archivedAt: null,
      updatedBy: 'bootstrap admin (ADMIN_TOKEN)',
    });
    const read = await app.gql<{ config: ConfigView }>(
      `query ($key: String!) { config(environment: "development", key: $key) { ${CONFIG_FIELDS} } }`,
      { key },
    );
    expect(read.data?.config).toEqual(created);
  });

  it('keeps decimals as exact strings', async () => {
    const created = await createConfig(app, {
      valueType: 'DECIMAL',
      value: '19.990000000000000000001',
      defaultValue: '0.10',
      minValue: '0.1',
      maxValue: '100',
    });
    expect(created.value).toBe('19.990000000000000000001');
    expect(created.defaultValue).toBe('0.10');
  });

  it('stores JSON null as a json value', async () => {
    const created = await createConfig(app, {
      valueType: 'JSON',
      value: null,
      defaultValue: { a: [1, 2] },
    });
    expect(created.value).toBeNull();
    expect(created.defaultValue).toEqual({ a: [1, 2] });
  });

  it('refuses a duplicate key in the same environment with CONFLICT, and allows it in another', async () => {
    const key = uniqueKey();
    await createConfig(app, { key });
    const again = await app.gql(
      `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { id } } }`,
      {
        input: configInput({ key }),
      },
    );
    expect(errorCode(again)).toBe('CONFLICT');
    const elsewhere = await createConfig(app, { key, environment: 'production' });
    expect(elsewhere.key).toBe(key);
  });

  it('collects every validation error at once, writes nothing and counts the refusal', async () => {
    const key = uniqueKey('limits');
    const before = await revision();
    const response = await app.gql(
      `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { id } } }`,
      {
        input: configInput({
          key,
          valueType: 'STRING',
          value: 'way too long',
          defaultValue: 'ok',
          maxLength: 5,
          targetingRules: [
            {
              id: 'fine',
              condition: { attribute: 'user.plan', operator: 'equals', value: 'pro' },
              value: 'pro',
            },
            {
              id: 'broken',
              condition: { attribute: 'user.plan', operator: 'equals', value: 'pro' },
              value: 'much too long',
            },
          ],
        }),
      },
    );
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    const issues = response.errors?.[0].extensions?.validationErrors as Issue[];
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'value', rule: 'maxLength' }),
        expect.objectContaining({ path: 'targetingRules[1].value', rule: 'maxLength' }),
      ]),
    );
    expect(issues.map((i) => i.path)).not.toContain('targetingRules[0].value');
    expect(await count('SELECT 1 FROM business_config WHERE key = $1', [key])).toBe(0);
    expect(await count('SELECT 1 FROM config_change_log WHERE config_key = $1', [key])).toBe(0);
    expect(await revision()).toBe(before);
    expect(await flushedCountsOf(app, key)).toEqual({ 'refused_save/': 1 });
  });

  it.each([
    ['a key that breaks the pattern', { key: 'Has Spaces' }, 'key'],
    ['a description over 2,000 characters', { description: 'x'.repeat(2001) }, 'description'],
    [
      'a value over 256 KB',
      { valueType: 'JSON', value: { blob: 'x'.repeat(270_000) }, defaultValue: {} },
      'value',
    ],
    [
      'a default value that breaks the constraints',
      { valueType: 'INTEGER', value: 5, defaultValue: 50, maxValue: 10 },
      'defaultValue',
    ],
    ['a pattern RE2 cannot compile', { pattern: '(?<=a)b' }, 'pattern'],
    [
      'min above max',
      { valueType: 'INTEGER', value: 5, defaultValue: 5, minValue: 10, maxValue: 1 },
      'minValue',
    ],
  ])('refuses %s with BAD_USER_INPUT at its path', async (_label, overrides, path) => {
    const response = await app.gql(
      `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { id } } }`,
      {
        input: configInput(overrides),
      },
    );
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    const issues = response.errors?.[0].extensions?.validationErrors as Issue[];
    expect(issues.map((i) => i.path)).toContain(path);
  });

  it('validateConfig runs the same checks as a dry run, for new and existing keys', async () => {
    const key = uniqueKey();
    const dryCreate = await app.gql<{
      validateConfig: { valid: boolean; validationErrors: Issue[] };
    }>(
      `query ($input: ValidateConfigInput!) { validateConfig(input: $input) { valid validationErrors { path rule message } } }`,
      {
        input: {
          environment: 'development',
          key,
          valueType: 'INTEGER',
          value: 'nope',
          defaultValue: 1,
        },
      },
    );
    expect(dryCreate.data?.validateConfig.valid).toBe(false);
    expect(dryCreate.data?.validateConfig.validationErrors.map((i) => i.path)).toEqual(['value']);
    expect(await count('SELECT 1 FROM business_config WHERE key = $1', [key])).toBe(0);

    const existing = await createConfig(app, { valueType: 'INTEGER', value: 1, defaultValue: 1 });
    const dryUpdate = await app.gql<{ validateConfig: { valid: boolean } }>(
      `query ($input: ValidateConfigInput!) { validateConfig(input: $input) { valid } }`,
      { input: { environment: 'development', key: existing.key, value: 2 } },
    );
    expect(dryUpdate.data?.validateConfig.valid).toBe(true);
  });

  it('updates with the expected version and refuses a stale one with CONFLICT carrying the current version', async () => {
    const created = await createConfig(app);
    const updated = await updateConfig(app, {
      key: created.key,
      expectedVersion: 1,
      value: 'changed',
    });
    expect(updated.data?.updateConfig.config).toMatchObject({
      value: 'changed',
      version: 2,
      defaultValue: 'off',
    });
    const stale = await updateConfig(app, { key: created.key, expectedVersion: 1, value: 'again' });
    expect(errorCode(stale)).toBe('CONFLICT');
    expect(stale.errors?.[0].extensions).toMatchObject({ currentVersion: 2, expectedVersion: 1 });
  });

  it('changes nothing on an update that leaves the state as it is (no version, no history entry)', async () => {
    const created = await createConfig(app);
    const before = await revision();
    for (const input of [{}, { value: 'on', description: created.description }]) {
      const same = await updateConfig(app, { key: created.key, expectedVersion: 1, ...input });
      expect(same.errors).toBeUndefined();
      expect(same.data?.updateConfig.config).toMatchObject({ version: 1, value: 'on' });
    }
    expect(await revision()).toBe(before);
    expect(
      await count('SELECT 1 FROM config_change_log WHERE config_key = $1', [created.key]),
    ).toBe(1);
    // The version is still checked: a stale one is a CONFLICT even when nothing would change.
    await updateConfig(app, { key: created.key, expectedVersion: 1, value: 'changed' });
    const stale = await updateConfig(app, { key: created.key, expectedVersion: 1 });
    expect(errorCode(stale)).toBe('CONFLICT');
  });

  it('applies exactly one of 20 concurrent updates sent with the same version', async () => {
    const created = await createConfig(app);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateConfig(app, { key: created.key, expectedVersion: 1, value: `writer ${i}` }),
      ),
    );
    const applied = results.filter((r) => r.data);
    expect(applied).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'CONFLICT')).toHaveLength(19);
    expect(
      await count(`SELECT 1 FROM config_change_log WHERE config_id = $1 AND action = 'update'`, [
        created.id,
      ]),
    ).toBe(1);
    const [row] = await db.query('SELECT version, value FROM business_config WHERE id = $1', [
      created.id,
    ]);
    expect(row).toEqual({ version: 2, value: applied[0].data!.updateConfig.config.value });
  });

  it('clears a constraint with an explicit null', async () => {
    const created = await createConfig(app, { maxLength: 10 });
    const updated = await updateConfig(app, {
      key: created.key,
      expectedVersion: 1,
      maxLength: null,
    });
    expect(updated.data?.updateConfig.config.maxLength).toBeNull();
  });

  it('gives targeting rules without an id a stable one', async () => {
    const created = await createConfig(app, {
      targetingRules: [
        {
          condition: { attribute: 'user.country', operator: 'in', values: ['DE', 'FR'] },
          value: 'eu',
        },
      ],
    });
    const [rule] = created.targetingRules as { id: string }[];
    expect(rule.id).toMatch(/^r_[0-9a-f]{12}$/);
  });

  it('archives, unarchives, and deletes only archived configs, as admin only', async () => {
    const created = await createConfig(app);
    const ref = { environment: 'development', key: created.key };
    const notArchived = await app.gql(
      `mutation ($input: DeleteConfigInput!) { deleteConfig(input: $input) { key } }`,
      { input: ref },
    );
    expect(errorCode(notArchived)).toBe('CONFLICT');

    const archived = await app.gql<{ archiveConfig: { config: ConfigView } }>(
      `mutation ($input: ArchiveConfigInput!) { archiveConfig(input: $input) { config { version archivedAt } } }`,
      { input: ref },
    );
    expect(archived.data?.archiveConfig.config.archivedAt).toEqual(expect.any(String));
    const unarchived = await app.gql<{ unarchiveConfig: { config: ConfigView } }>(
      `mutation ($input: UnarchiveConfigInput!) { unarchiveConfig(input: $input) { config { version archivedAt } } }`,
      { input: ref },
    );
    expect(unarchived.data?.unarchiveConfig.config).toEqual({ version: 3, archivedAt: null });
    await app.gql(
      `mutation ($input: ArchiveConfigInput!) { archiveConfig(input: $input) { config { id } } }`,
      { input: ref },
    );

    const editor = await createApiKey(app, { roles: ['EDITOR'] });
    const byEditor = await app.gql(
      `mutation ($input: DeleteConfigInput!) { deleteConfig(input: $input) { key } }`,
      { input: ref },
      editor.token,
    );
    expect(errorCode(byEditor)).toBe('FORBIDDEN');

    const deleted = await app.gql<{ deleteConfig: { deletedConfigId: string } }>(
      `mutation ($input: DeleteConfigInput!) { deleteConfig(input: $input) { key deletedConfigId } }`,
      { input: ref },
    );
    expect(deleted.data?.deleteConfig.deletedConfigId).toBe(created.id);
    expect(await count('SELECT 1 FROM business_config WHERE id = $1', [created.id])).toBe(0);
    const actions = await db.query(
      'SELECT action FROM config_change_log WHERE config_id = $1 ORDER BY environment_revision',
      [created.id],
    );
    expect(actions.map((a: { action: string }) => a.action)).toEqual([
      'create',
      'archive',
      'unarchive',
      'archive',
      'delete',
    ]);
  });

  it("rolls back to an earlier version as a new version, judged by today's constraints", async () => {
    const created = await createConfig(app, { valueType: 'INTEGER', value: 50, defaultValue: 1 });
    await updateConfig(app, { key: created.key, expectedVersion: 1, value: 60 });
    const rollback = (toVersion: number, expectedVersion?: number) =>
      app.gql<{ rollbackConfig: { config: ConfigView } }>(
        `mutation ($input: RollbackConfigInput!) { rollbackConfig(input: $input) { config { value version } } }`,
        { input: { environment: 'development', key: created.key, toVersion, expectedVersion } },
      );
    const restored = await rollback(1, 2);
    expect(restored.data?.rollbackConfig.config).toEqual({ value: 50, version: 3 });

    await updateConfig(app, { key: created.key, expectedVersion: 3, value: 5, maxValue: 10 });
    const refused = await rollback(1);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(
      (refused.errors?.[0].extensions?.validationErrors as Issue[]).map((i) => i.path),
    ).toContain('value');
    expect(errorCode(await rollback(9))).toBe('BAD_USER_INPUT');
    const [entry] = await db.query(
      `SELECT action FROM config_change_log WHERE config_id = $1 AND config_version = 3`,
      [created.id],
    );
    expect(entry.action).toBe('rollback');
  });

  it('bumps the environment revision and writes an outbox event with every change', async () => {
    const before = await revision();
    const created = await createConfig(app);
    await updateConfig(app, { key: created.key, expectedVersion: 1, value: 'x' });
    expect(await revision()).toBe(before + 2);
    const events = await db.query(
      `SELECT revision::int, type, payload FROM outbox_event WHERE payload->>'configId' = $1 ORDER BY id`,
      [created.id],
    );
    expect(events).toEqual([
      {
        revision: before + 1,
        type: 'config.changed',
        payload: expect.objectContaining({
          configId: created.id,
          key: created.key,
          action: 'create',
          version: 1,
          state: expect.objectContaining({ key: created.key, value: 'on' }),
        }),
      },
      {
        revision: before + 2,
        type: 'config.changed',
        payload: expect.objectContaining({
          action: 'update',
          version: 2,
          state: expect.objectContaining({ value: 'x' }),
        }),
      },
    ]);
  });

  it('lists configs by key, page by page, with filters', async () => {
    const prefix = uniqueKey('listing');
    for (const suffix of ['a', 'b', 'c']) {
      await createConfig(app, {
        key: `${prefix}.${suffix}`,
        valueType: suffix === 'c' ? 'BOOLEAN' : 'STRING',
        value: suffix === 'c' ? true : 's',
        defaultValue: suffix === 'c' ? false : 'd',
      });
    }
    const query = `query ($filter: ConfigFilter, $after: String) {
      configs(environment: "development", filter: $filter, first: 2, after: $after) {
        edges { node { key } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      configs: {
        edges: { node: { key: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const first = await app.gql<Page>(query, { filter: { keyPrefix: prefix } });
    expect(first.data?.configs.edges.map((e) => e.node.key)).toEqual([
      `${prefix}.a`,
      `${prefix}.b`,
    ]);
    const second = await app.gql<Page>(query, {
      filter: { keyPrefix: prefix },
      after: first.data?.configs.pageInfo.endCursor,
    });
    expect(second.data?.configs.edges.map((e) => e.node.key)).toEqual([`${prefix}.c`]);
    expect(second.data?.configs.pageInfo.hasNextPage).toBe(false);
    const booleans = await app.gql<Page>(query, {
      filter: { keyPrefix: prefix, valueType: 'BOOLEAN' },
    });
    expect(booleans.data?.configs.edges.map((e) => e.node.key)).toEqual([`${prefix}.c`]);
    const searched = await app.gql<Page>(query, {
      filter: { search: `${prefix.split('.')[2]}.b` },
    });
    expect(searched.data?.configs.edges.map((e) => e.node.key)).toEqual([`${prefix}.b`]);
  });

  describe('orderBy', () => {
    const query = `query ($filter: ConfigFilter, $orderBy: ConfigOrder, $first: Int!, $after: String) {
      configs(environment: "development", filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
        edges { node { key } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      configs: {
        edges: { node: { key: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    let prefix: string;

    /** Every key of the prefix, fetched `first` at a time by following endCursor. */
    async function walk(orderBy: Record<string, string> | undefined, first: number) {
      const keys: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: GraphQLResponse<Page> = await app.gql<Page>(query, {
          filter: { keyPrefix: prefix },
          orderBy,
          first,
          after,
        });
        expect(page.errors).toBeUndefined();
        keys.push(...page.data!.configs.edges.map((e) => e.node.key.slice(prefix.length + 1)));
        if (!page.data!.configs.pageInfo.hasNextPage) return keys;
        after = page.data!.configs.pageInfo.endCursor;
      }
    }

    beforeAll(async () => {
      prefix = uniqueKey('ordered');
      for (const suffix of ['a', 'b', 'c', 'd', 'e']) {
        await createConfig(app, { key: `${prefix}.${suffix}` });
      }
      // Change times a millisecond cannot tell apart, and a tie broken by id.
      const times: Record<string, string> = {
        a: '2026-03-01T10:00:00.000003Z',
        b: '2026-03-01T10:00:00.000001Z',
        c: '2026-03-01T10:00:00.000002Z',
        d: '2026-03-01T10:00:00.000002Z',
        e: '2026-03-01T10:00:00.000000Z',
      };
      for (const [suffix, at] of Object.entries(times)) {
        await db.query('UPDATE business_config SET updated_at = $1 WHERE key = $2', [
          at,
          `${prefix}.${suffix}`,
        ]);
      }
    });

    async function tiedByUpdatedAt(direction: 'ASC' | 'DESC') {
      const [c, d] = await db.query<{ key: string }[]>(
        `SELECT key FROM business_config WHERE key IN ($1, $2) ORDER BY id ${direction}`,
        [`${prefix}.c`, `${prefix}.d`],
      );
      return [c.key, d.key].map((k) => k.slice(prefix.length + 1));
    }

    it('sorts by key ascending by default and descending on request, page by page', async () => {
      expect(await walk(undefined, 2)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(await walk({ field: 'KEY', direction: 'DESC' }, 2)).toEqual(['e', 'd', 'c', 'b', 'a']);
    });

    it('sorts by last change to the microsecond, ties by id, in both directions and any page size', async () => {
      const descending = ['a', ...(await tiedByUpdatedAt('DESC')), 'b', 'e'];
      const ascending = ['e', 'b', ...(await tiedByUpdatedAt('ASC')), 'a'];
      for (const first of [1, 2, 3]) {
        expect(await walk({ field: 'UPDATED_AT', direction: 'DESC' }, first)).toEqual(descending);
        expect(await walk({ field: 'UPDATED_AT', direction: 'ASC' }, first)).toEqual(ascending);
      }
      expect(await walk({ field: 'UPDATED_AT' }, 5)).toEqual(ascending);
    });

    it('moves a config just changed to the top of the newest-first order', async () => {
      const b = await app.gql<{ config: { version: number } }>(
        `query ($key: String!) { config(environment: "development", key: $key) { version } }`,
        { key: `${prefix}.b` },
      );
      const updated = await updateConfig(app, {
        key: `${prefix}.b`,
        expectedVersion: b.data!.config.version,
        value: 'changed',
      });
      expect(updated.errors).toBeUndefined();
      const keys = await walk({ field: 'UPDATED_AT', direction: 'DESC' }, 2);
      expect(keys[0]).toBe('b');
    });

    it('refuses a cursor returned for another orderBy, or forged, with BAD_USER_INPUT', async () => {
      const byKey = await app.gql<Page>(query, { filter: { keyPrefix: prefix }, first: 2 });
      const cursor = byKey.data!.configs.pageInfo.endCursor;
      for (const orderBy of [
        { field: 'UPDATED_AT', direction: 'ASC' },
        { field: 'KEY', direction: 'DESC' },
      ]) {
        const answer = await app.gql(query, { orderBy, first: 2, after: cursor });
        expect(errorCode(answer)).toBe('BAD_USER_INPUT');
        expect(answer.errors?.[0].extensions?.validationErrors).toEqual([
          expect.objectContaining({ path: 'after', rule: 'cursor' }),
        ]);
      }
      const forge = (parts: string[]) =>
        Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
      const id = '00000000-0000-4000-8000-000000000000';
      for (const after of [
        forge(['2026-02-30T10:00:00.000000Z', id, 'UPDATED_AT_DESC']),
        forge(['yesterday', id, 'UPDATED_AT_DESC']),
        forge(['2026-03-01T10:00:00.000000Z', 'not-a-uuid', 'UPDATED_AT_DESC']),
        forge(['a', id]),
      ]) {
        const answer = await app.gql(query, {
          orderBy: { field: 'UPDATED_AT', direction: 'DESC' },
          first: 2,
          after,
        });
        expect(errorCode(answer)).toBe('BAD_USER_INPUT');
      }
    });
  });

  it('lets viewers read but not write, and keeps sdk keys out', async () => {
    const created = await createConfig(app);
    const viewer = await createApiKey(app, { roles: ['VIEWER'] });
    const read = await app.gql<{ config: { key: string } }>(
      `query ($key: String!) { config(environment: "development", key: $key) { key } }`,
      { key: created.key },
      viewer.token,
    );
    expect(read.data?.config.key).toBe(created.key);
    expect(
      errorCode(
        await updateConfig(app, { key: created.key, expectedVersion: 1, value: 'v' }, viewer.token),
      ),
    ).toBe('FORBIDDEN');
    const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
    const bySdk = await app.gql(
      `query ($key: String!) { config(environment: "development", key: $key) { key } }`,
      { key: created.key },
      sdk.token,
    );
    expect(errorCode(bySdk)).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND for an unknown config', async () => {
    expect(
      errorCode(await app.gql('{ config(environment: "development", key: "no.such.key") { id } }')),
    ).toBe('NOT_FOUND');
    expect(
      errorCode(await updateConfig(app, { key: 'no.such.key', expectedVersion: 1, value: 'x' })),
    ).toBe('NOT_FOUND');
  });
});
