import { DataSource } from 'typeorm';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig, updateConfig } from '../factories/config.factory';
import { errorCode, hasPostgres, startTestApp, TestApp } from '../support/test-app';

const CHANGES = `query ($environment: String!, $filter: ConfigChangeFilter, $first: Int, $after: String) {
  configChanges(environment: $environment, filter: $filter, first: $first, after: $after) {
    edges { node { id configKey action before after diff comment configVersion environmentRevision prevHash hash
      actor { id name kind } createdAt } }
    pageInfo { hasNextPage endCursor } } }`;
const VERIFY = `query ($environment: String!) {
  verifyChangeHistory(environment: $environment) { valid checkedEntries firstBrokenEntryId } }`;

type Change = {
  id: string;
  configKey: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  diff: { op: string; path: string; value?: unknown }[];
  comment: string | null;
  configVersion: number;
  environmentRevision: number;
  prevHash: string | null;
  hash: string;
  actor: { id: string; name: string; kind: string };
};
type Changes = {
  configChanges: {
    edges: { node: Change }[];
    pageInfo: { hasNextPage: boolean; endCursor: string };
  };
};
const ANCHORED = `query ($environment: String!, $anchor: ChainHeadInput) {
  verifyChangeHistory(environment: $environment, anchor: $anchor) {
    valid checkedEntries firstBrokenEntryId missingEntries headRevision headHash anchorMatched problem } }`;
type Anchored = {
  verifyChangeHistory: {
    valid: boolean;
    checkedEntries: number;
    missingEntries: number;
    headRevision: number;
    headHash: string;
    anchorMatched: boolean | null;
    problem: string | null;
  };
};
type Verification = {
  verifyChangeHistory: {
    valid: boolean;
    checkedEntries: number;
    firstBrokenEntryId: string | null;
  };
};

describe('change history', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.running.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  it('records each change newest first with snapshots, an RFC 6902 diff, the actor and the comment', async () => {
    const editor = await createApiKey(app, { name: 'release bot', roles: ['EDITOR'] });
    const created = await createConfig(
      app,
      { environment: 'production', comment: 'first cut' },
      editor.token,
    );
    await app.gql(
      `mutation ($input: UpdateConfigInput!) { updateConfig(input: $input) { config { id } } }`,
      {
        input: {
          environment: 'production',
          key: created.key,
          expectedVersion: 1,
          value: 'new',
          comment: 'flip',
        },
      },
      editor.token,
    );
    const response = await app.gql<Changes>(CHANGES, {
      environment: 'production',
      filter: { configKey: created.key },
    });
    const [update, create] = response.data!.configChanges.edges.map((e) => e.node);
    expect(create).toMatchObject({
      action: 'CREATE',
      before: null,
      configVersion: 1,
      comment: 'first cut',
      actor: { id: editor.id, name: 'release bot', kind: 'api_key' },
    });
    // Enum values spelled as everywhere in the API, though stored (and hashed) in lowercase.
    expect(create.after).toMatchObject({
      key: created.key,
      value: 'on',
      valueType: 'STRING',
      deploymentStrategy: 'IMMEDIATE',
    });
    expect(create.diff).toContainEqual({ op: 'add', path: '/valueType', value: 'STRING' });
    expect(update).toMatchObject({ action: 'UPDATE', configVersion: 2, comment: 'flip' });
    expect(update.diff).toEqual([{ op: 'replace', path: '/value', value: 'new' }]);
    expect(update.environmentRevision).toBe(create.environmentRevision + 1);
    expect(update.prevHash).toBe(create.hash);
    const [first] = await db.query(
      `SELECT l.prev_hash FROM config_change_log l JOIN environment e ON e.id = l.environment_id
       WHERE e.key = 'production' AND l.environment_revision = 1`,
    );
    expect(first.prev_hash).toBeNull();
  });

  it('filters by actor and action, and pages', async () => {
    const bot = await createApiKey(app, { name: 'filter bot', roles: ['EDITOR'] });
    const config = await createConfig(app, {}, bot.token);
    await updateConfig(app, { key: config.key, expectedVersion: 1, value: 'b' }, bot.token);
    await updateConfig(app, { key: config.key, expectedVersion: 2, value: 'c' }, bot.token);
    const byActor = await app.gql<Changes>(CHANGES, {
      environment: 'development',
      filter: { actor: 'filter bot' },
    });
    expect(byActor.data!.configChanges.edges.map((e) => e.node.action)).toEqual([
      'UPDATE',
      'UPDATE',
      'CREATE',
    ]);
    const updates = await app.gql<Changes>(CHANGES, {
      environment: 'development',
      filter: { configKey: config.key, action: 'UPDATE' },
      first: 1,
    });
    expect(updates.data!.configChanges.edges.map((e) => e.node.configVersion)).toEqual([3]);
    const next = await app.gql<Changes>(CHANGES, {
      environment: 'development',
      filter: { configKey: config.key, action: 'UPDATE' },
      first: 1,
      after: updates.data!.configChanges.pageInfo.endCursor,
    });
    expect(next.data!.configChanges.edges.map((e) => e.node.configVersion)).toEqual([2]);
    const future = await app.gql<Changes>(CHANGES, {
      environment: 'development',
      filter: { from: '2999-01-01T00:00:00Z' },
    });
    expect(future.data!.configChanges.edges).toEqual([]);
  });

  it('refuses a forged cursor with BAD_USER_INPUT', async () => {
    const forge = (parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const id = '00000000-0000-4000-8000-000000000000';
    for (const after of [forge(['not a revision', id]), forge(['5', 'not-a-uuid'])]) {
      const response = await app.gql(CHANGES, { environment: 'development', after });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
    }
  });

  it('is append-only: the database refuses UPDATE and DELETE', async () => {
    await createConfig(app);
    await expect(db.query(`UPDATE config_change_log SET comment = 'rewritten'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query('DELETE FROM config_change_log')).rejects.toThrow(/append-only/);
  });

  it('verifies the hash chain, and names the first entry altered behind its back', async () => {
    const config = await createConfig(app, { environment: 'production' });
    // Concurrent writers in one environment, and text beyond ASCII: the chain stays whole.
    await Promise.all([
      app.gql(
        `mutation ($input: UpdateConfigInput!) { updateConfig(input: $input) { config { id } } }`,
        {
          input: {
            environment: 'production',
            key: config.key,
            expectedVersion: 1,
            value: 'v2 — größer 😀',
            comment: 'Grüße, 世界',
          },
        },
      ),
      ...Array.from({ length: 8 }, () => createConfig(app, { environment: 'production' })),
    ]);
    const intact = await app.gql<Verification>(VERIFY, { environment: 'production' });
    expect(intact.data!.verifyChangeHistory.valid).toBe(true);
    const total = await db.query(
      `SELECT count(*)::int AS n FROM config_change_log l JOIN environment e ON e.id = l.environment_id WHERE e.key = 'production'`,
    );
    expect(intact.data!.verifyChangeHistory.checkedEntries).toBe(total[0].n);

    const [target] = await db.query(
      `SELECT id FROM config_change_log WHERE config_id = $1 AND config_version = 1`,
      [config.id],
    );
    await db.query('ALTER TABLE config_change_log DISABLE TRIGGER config_change_log_no_rewrite');
    await db.query(
      `UPDATE config_change_log SET after = jsonb_set(after, '{value}', '"forged"') WHERE id = $1`,
      [target.id],
    );
    await db.query('ALTER TABLE config_change_log ENABLE TRIGGER config_change_log_no_rewrite');

    const broken = await app.gql<Verification>(VERIFY, { environment: 'production' });
    expect(broken.data!.verifyChangeHistory).toMatchObject({
      valid: false,
      firstBrokenEntryId: target.id,
    });
  });

  (hasPostgres ? it : it.skip)(
    'reports entries deleted from the end against the head, and a rewritten head against an anchor kept outside',
    async () => {
      const environment = `audit-${Date.now().toString(36)}`;
      await app.gql(
        `mutation ($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { id } } }`,
        { input: { key: environment, name: 'Audit' } },
      );
      const config = await createConfig(app, { environment });
      await updateConfig(app, { environment, key: config.key, expectedVersion: 1, value: 'b' });
      await updateConfig(app, { environment, key: config.key, expectedVersion: 2, value: 'c' });
      const intact = await app.gql<Anchored>(ANCHORED, { environment });
      expect(intact.data!.verifyChangeHistory).toMatchObject({
        valid: true,
        checkedEntries: 3,
        missingEntries: 0,
        headRevision: 3,
      });
      const anchor = {
        revision: intact.data!.verifyChangeHistory.headRevision,
        hash: intact.data!.verifyChangeHistory.headHash,
      };
      const entries: { id: string; hash: string }[] = await db.query(
        `SELECT l.id, l.hash FROM config_change_log l JOIN environment e ON e.id = l.environment_id
         WHERE e.key = $1 ORDER BY l.environment_revision`,
        [environment],
      );
      expect(entries[2].hash).toBe(anchor.hash);

      // A superuser with the append-only trigger switched off for the session.
      const runner = db.createQueryRunner();
      try {
        await runner.query('SET session_replication_role = replica');
        await runner.query('DELETE FROM config_change_log WHERE id = $1', [entries[2].id]);
        const truncated = await app.gql<Anchored>(ANCHORED, { environment });
        expect(truncated.data!.verifyChangeHistory).toMatchObject({
          valid: false,
          checkedEntries: 2,
          missingEntries: 1,
          headRevision: 3,
          problem: expect.stringMatching(/missing at the end/),
        });

        // Moving the head back as well hides the deletion from the database alone…
        await runner.query(
          `UPDATE environment SET revision = 2, chain_head = $1, chain_prev = $2 WHERE key = $3`,
          [entries[1].hash, entries[0].hash, environment],
        );
      } finally {
        await runner.query('SET session_replication_role = DEFAULT');
        await runner.release();
      }
      const rewound = await app.gql<Anchored>(ANCHORED, { environment });
      expect(rewound.data!.verifyChangeHistory).toMatchObject({ valid: true, headRevision: 2 });
      // …but not from the anchor exported before.
      const anchored = await app.gql<Anchored>(ANCHORED, { environment, anchor });
      expect(anchored.data!.verifyChangeHistory).toMatchObject({
        valid: false,
        anchorMatched: false,
        problem: 'the chain does not hold the anchor at revision 3',
      });
    },
  );

  it('keeps history readers in their environment scope', async () => {
    const scoped = await createApiKey(app, { roles: ['VIEWER'], environment: 'development' });
    expect(errorCode(await app.gql(CHANGES, { environment: 'production' }, scoped.token))).toBe(
      'FORBIDDEN',
    );
    expect(errorCode(await app.gql(VERIFY, { environment: 'production' }, scoped.token))).toBe(
      'FORBIDDEN',
    );
  });
});
