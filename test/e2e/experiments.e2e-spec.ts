import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig, uniqueKey, updateConfig } from '../factories/config.factory';
import { EvaluationSnapshots } from '../../src/modules/evaluation/evaluation-snapshots.service';
import { errorCode, eventually, hasPostgres, startTestApp, TestApp } from '../support/test-app';
import { subscribe, wsClient } from '../support/ws-client';

const FIELDS = `id key configKey name hypothesis status winner trafficPercentage assignment targeting
  variants { key name value weight control } primaryMetric { event kind }
  secondaryMetrics { event kind } sequential sequentialTuning
  transitions { from to at actorId actorName actorKind } runWindows { start end } startedAt stoppedAt`;

interface ExperimentView {
  id: string;
  key: string;
  status: string;
  winner: string | null;
  variants: { key: string; value: unknown; weight: number; control: boolean }[];
  transitions: { from: string | null; to: string; actorName: string }[];
  runWindows: { start: string; end: string | null }[];
  startedAt: string | null;
  stoppedAt: string | null;
  [field: string]: unknown;
}

const CREATE = `mutation ($input: CreateExperimentInput!) {
  createExperiment(input: $input) { experiment { ${FIELDS} } } }`;
const UPDATE = `mutation ($input: UpdateExperimentInput!) {
  updateExperiment(input: $input) { experiment { ${FIELDS} } } }`;
const verb = (name: string, input: string, extra = '') =>
  `mutation ($input: ${input}!) { ${name}(input: $input) { experiment { ${FIELDS} } ${extra} } }`;
const START = verb('startExperiment', 'StartExperimentInput');
const PAUSE = verb('pauseExperiment', 'PauseExperimentInput');
const RESUME = verb('resumeExperiment', 'ResumeExperimentInput');
const COMPLETE = verb('completeExperiment', 'CompleteExperimentInput', 'configVersion');
const ARCHIVE = verb('archiveExperiment', 'ArchiveExperimentInput');
const DELETE = `mutation ($input: DeleteExperimentInput!) {
  deleteExperiment(input: $input) { key deletedExperimentId } }`;
const GET = `query ($environment: String!, $key: String!) {
  experiment(environment: $environment, key: $key) { ${FIELDS} } }`;
const LIST = `query ($environment: String!, $status: ExperimentStatus, $first: Int, $after: String) {
  experiments(environment: $environment, status: $status, first: $first, after: $after) {
    edges { node { key status } } pageInfo { hasNextPage endCursor } } }`;
const ASSIGN = `mutation ($input: AssignVariantInput!) {
  assignVariant(input: $input) { experimentKey variant { key value } value } }`;
const CHANGES = `query ($environment: String!, $filter: ConfigChangeFilter) {
  configChanges(environment: $environment, filter: $filter) {
    edges { node { action configVersion environmentRevision before after comment actor { name } } } } }`;
const REVISION = `query { environments { key revision } }`;

type Assigned = {
  assignVariant: { variant: { key: string; value: unknown } | null; value: unknown };
};

const variants = (a: unknown = 'blue', b: unknown = 'green') => [
  { key: 'control', name: 'Control', value: a, weight: 50, control: true },
  { key: 'treatment', name: 'Treatment', value: b, weight: 50 },
];

function experimentInput(configKey: string, overrides: Record<string, unknown> = {}) {
  return {
    environment: 'development',
    configKey,
    key: uniqueKey('exp'),
    name: 'Button colour',
    hypothesis: 'Green converts better',
    variants: variants(),
    primaryMetric: { event: 'purchase', kind: 'CONVERSION' },
    ...overrides,
  };
}

describe('experiments', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.running.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  async function create(overrides: Record<string, unknown> = {}, config?: { key: string }) {
    const target = config ?? (await createConfig(app));
    const response = await app.gql<{ createExperiment: { experiment: ExperimentView } }>(CREATE, {
      input: experimentInput(target.key, overrides),
    });
    if (!response.data) throw new Error(JSON.stringify(response.errors));
    return response.data.createExperiment.experiment;
  }

  async function move(
    query: string,
    key: string,
    extra: Record<string, unknown> = {},
    token?: string,
  ) {
    return app.gql<Record<string, { experiment: ExperimentView; configVersion?: number }>>(
      query,
      { input: { environment: 'development', key, ...extra } },
      token,
    );
  }

  async function revision(): Promise<number> {
    const response = await app.gql<{ environments: { key: string; revision: number }[] }>(REVISION);
    return response.data!.environments.find((e) => e.key === 'development')!.revision;
  }

  /** What an instance holds of an experiment's assignments, for a failure message. */
  async function assignmentState(on: TestApp, experimentId: string, configKey: string) {
    const service = on.running.app.get(EvaluationSnapshots) as unknown as {
      assignments: Map<string, Map<string, string>>;
      loadedAssignments: Set<string>;
      pubsub: { channels?: Map<string, unknown>; subscriber?: { status: string } };
    };
    const attached = (await snapshotExperiment(configKey, on))?.assignments;
    return {
      cached: Object.fromEntries(service.assignments.get(experimentId) ?? []),
      attachedIsCached: attached === service.assignments.get(experimentId),
      attached: Object.fromEntries(attached ?? []),
      loaded: service.loadedAssignments.has(experimentId),
      channels: [...(service.pubsub.channels?.keys() ?? [])],
      subscriber: service.pubsub.subscriber?.status,
      stored: await db.query(
        'SELECT subject, variant_key FROM experiment_assignment WHERE experiment_id = $1',
        [experimentId],
      ),
    };
  }

  async function snapshotExperiment(configKey: string, on = app) {
    const [env] = await db.query(`SELECT id FROM environment WHERE key = 'development'`);
    const snapshot = await on.running.app.get(EvaluationSnapshots).get(env.id);
    return snapshot.experimentOf(configKey);
  }

  it('runs the lifecycle through the change path: history entries, revision bumps, the config version unchanged', async () => {
    const editor = await createApiKey(app, { name: 'exp editor', roles: ['EDITOR'] });
    const config = await createConfig(app);
    const created = await create({}, config);
    expect(created).toMatchObject({
      status: 'DRAFT',
      assignment: 'CONSISTENT',
      trafficPercentage: 100,
      sequential: false,
      sequentialTuning: 5000,
      transitions: [{ from: null, to: 'DRAFT' }],
    });
    const before = await revision();

    const started = await move(START, created.key, { comment: 'go' }, editor.token);
    expect(started.errors).toBeUndefined();
    const running = started.data!.startExperiment.experiment;
    expect(running.status).toBe('RUNNING');
    expect(running.startedAt).not.toBeNull();
    expect(running.runWindows).toEqual([{ start: expect.any(String), end: null }]);
    expect(running.transitions.at(-1)).toMatchObject({
      from: 'DRAFT',
      to: 'RUNNING',
      actorName: 'exp editor',
    });
    expect(await revision()).toBe(before + 1);
    const attached = await snapshotExperiment(config.key);
    expect(attached).toMatchObject({ key: created.key, assignment: 'consistent' });
    expect(attached!.variants.map((v) => v.key)).toEqual(['control', 'treatment']);

    await move(PAUSE, created.key);
    expect(await snapshotExperiment(config.key)).toBeUndefined();
    await move(RESUME, created.key);
    expect(await snapshotExperiment(config.key)).toBeDefined();
    const completed = await move(COMPLETE, created.key, { winner: 'treatment' });
    expect(completed.data!.completeExperiment).toMatchObject({
      configVersion: null,
      experiment: { status: 'COMPLETED', winner: 'treatment' },
    });
    const done = completed.data!.completeExperiment.experiment;
    expect(done.runWindows).toHaveLength(2);
    expect(done.runWindows.every((w) => w.end !== null)).toBe(true);
    expect(done.stoppedAt).not.toBeNull();
    expect(await revision()).toBe(before + 4);
    expect(await snapshotExperiment(config.key)).toBeUndefined();

    const changes = await app.gql<{
      configChanges: {
        edges: {
          node: { action: string; configVersion: number; after: unknown; comment: string | null };
        }[];
      };
    }>(CHANGES, { environment: 'development', filter: { configKey: config.key } });
    const actions = changes.data!.configChanges.edges.map((e) => e.node);
    expect(actions.map((a) => a.action)).toEqual([
      'EXPERIMENT_STOPPED',
      'EXPERIMENT_STARTED',
      'EXPERIMENT_STOPPED',
      'EXPERIMENT_STARTED',
      'CREATE',
    ]);
    expect(actions.every((a) => a.configVersion === 1)).toBe(true);
    expect(actions.at(-2)).toMatchObject({
      comment: 'go',
      after: { experiment: { key: created.key, status: 'running' } },
    });
    const [stored] = await db.query('SELECT version FROM business_config WHERE id = $1', [
      config.id,
    ]);
    expect(stored.version).toBe(1);
    const [outbox] = await db.query(
      `SELECT count(*)::int AS n FROM outbox_event WHERE payload->>'key' = $1 AND payload ? 'experiment'`,
      [config.key],
    );
    expect(outbox.n).toBe(4);

    const archived = await move(ARCHIVE, created.key);
    expect(archived.data!.archiveExperiment.experiment.status).toBe('ARCHIVED');
    const listed = await app.gql<{ experiments: { edges: { node: { key: string } }[] } }>(LIST, {
      environment: 'development',
      status: 'ARCHIVED',
    });
    expect(listed.data!.experiments.edges.map((e) => e.node.key)).toContain(created.key);
  });

  it('lists experiments by key, page by page, filtered by status', async () => {
    const made = [await create(), await create(), await create()];
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        data?: {
          experiments: {
            edges: { node: { key: string; status: string } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
        };
      } = await app.gql(LIST, { environment: 'development', status: 'DRAFT', first: 2, after });
      seen.push(...page.data!.experiments.edges.map((e) => e.node.key));
      expect(page.data!.experiments.edges.every((e) => e.node.status === 'DRAFT')).toBe(true);
      if (!page.data!.experiments.pageInfo.hasNextPage) break;
      after = page.data!.experiments.pageInfo.endCursor;
    }
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(made.map((e) => e.key)));
  });

  it('promotes the winner as a new config version through the change path', async () => {
    const config = await createConfig(app);
    const created = await create({}, config);
    await move(START, created.key);
    const completed = await move(COMPLETE, created.key, {
      winner: 'treatment',
      promoteWinner: true,
    });
    expect(completed.errors).toBeUndefined();
    expect(completed.data!.completeExperiment.configVersion).toBe(2);
    const [stored] = await db.query('SELECT version, value FROM business_config WHERE id = $1', [
      config.id,
    ]);
    expect(stored).toEqual({ version: 2, value: 'green' });
  });

  it('refuses a second running experiment on a config, and starting on an archived config (CONFLICT)', async () => {
    const config = await createConfig(app);
    const first = await create({}, config);
    const second = await create({}, config);
    await move(START, first.key);
    const refused = await move(START, second.key);
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toContain(first.key);
    expect(
      (
        await app.gql<{ experiment: ExperimentView }>(GET, {
          environment: 'development',
          key: second.key,
        })
      ).data!.experiment.status,
    ).toBe('DRAFT');

    const other = await createConfig(app);
    const onArchived = await create({}, other);
    await app.gql(
      `mutation ($input: ArchiveConfigInput!) { archiveConfig(input: $input) { config { id } } }`,
      { input: { environment: 'development', key: other.key } },
    );
    const archived = await move(START, onArchived.key);
    expect(errorCode(archived)).toBe('CONFLICT');
    expect(archived.errors![0].message).toContain('archived');
  });

  it('lets one of two concurrent starts on a config win; the other gets CONFLICT', async () => {
    const config = await createConfig(app);
    const [a, b] = [await create({}, config), await create({}, config)];
    const results = await Promise.all([move(START, a.key), move(START, b.key)]);
    expect(results.map((r) => errorCode(r) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    const [row] = await db.query(
      `SELECT count(*)::int AS n FROM experiment WHERE config_id = $1 AND status = 'running'`,
      [config.id],
    );
    expect(row.n).toBe(1);
  });

  it('freezes a running experiment: updates and deletes only while a draft', async () => {
    const created = await create();
    const renamed = await app.gql<{ updateExperiment: { experiment: ExperimentView } }>(UPDATE, {
      input: {
        environment: 'development',
        key: created.key,
        name: 'Renamed',
        trafficPercentage: 50,
      },
    });
    expect(renamed.data!.updateExperiment.experiment).toMatchObject({
      name: 'Renamed',
      trafficPercentage: 50,
    });
    await move(START, created.key);
    const changed = await app.gql(UPDATE, {
      input: { environment: 'development', key: created.key, variants: variants('a', 'b') },
    });
    expect(errorCode(changed)).toBe('CONFLICT');
    expect(changed.errors![0].message).toContain('frozen');
    expect(errorCode(await move(DELETE, created.key))).toBe('CONFLICT');
    const [stored] = await db.query(
      'SELECT variants, traffic_percentage FROM experiment WHERE id = $1',
      [created.id],
    );
    expect(stored.variants.map((v: { value: unknown }) => v.value)).toEqual(['blue', 'green']);

    const draft = await create();
    const deleted = await app.gql<{ deleteExperiment: { deletedExperimentId: string } }>(DELETE, {
      input: { environment: 'development', key: draft.key },
    });
    expect(deleted.data!.deleteExperiment.deletedExperimentId).toBe(draft.id);
  });

  describe('bad input (BAD_USER_INPUT with paths, nothing written)', () => {
    const cases: [string, (configKey: string) => Record<string, unknown>, string][] = [
      ['one variant', () => ({ variants: [variants()[0]] }), 'variants'],
      [
        'eleven variants',
        () => ({
          variants: Array.from({ length: 11 }, (_, i) => ({
            key: `v${i}`,
            value: 'x',
            weight: i === 0 ? 10 : 9,
            control: i === 0,
          })),
        }),
        'variants',
      ],
      [
        'weights not summing to 100',
        () => ({ variants: [{ ...variants()[0], weight: 60 }, variants()[1]] }),
        'variants',
      ],
      [
        'a weight with three decimals',
        () => ({
          variants: [
            { ...variants()[0], weight: 50.005 },
            { ...variants()[1], weight: 49.995 },
          ],
        }),
        'variants[0].weight',
      ],
      [
        'duplicate variant keys',
        () => ({ variants: [variants()[0], { ...variants()[1], key: 'control' }] }),
        'variants[1].key',
      ],
      [
        'no control',
        () => ({ variants: [{ ...variants()[0], control: false }, variants()[1]] }),
        'variants',
      ],
      [
        'two controls',
        () => ({ variants: [variants()[0], { ...variants()[1], control: true }] }),
        'variants',
      ],
      [
        'a value of the wrong type',
        () => ({ variants: variants('blue', 42) }),
        'variants[1].value',
      ],
      ['traffic 0', () => ({ trafficPercentage: 0 }), 'trafficPercentage'],
      ['traffic over 100', () => ({ trafficPercentage: 100.5 }), 'trafficPercentage'],
      [
        'eleven secondary metrics',
        () => ({
          secondaryMetrics: Array.from({ length: 11 }, (_, i) => ({
            event: `e${i}`,
            kind: 'NUMERIC',
          })),
        }),
        'secondaryMetrics',
      ],
      ['a malformed key', () => ({ key: 'Has Spaces' }), 'key'],
      ['a blank name', () => ({ name: '  ' }), 'name'],
      ['an over-long name', () => ({ name: 'n'.repeat(201) }), 'name'],
      [
        'a malformed event name',
        () => ({ primaryMetric: { event: 'no spaces', kind: 'CONVERSION' } }),
        'primaryMetric.event',
      ],
      ['targeting without a condition', () => ({ assignment: 'TARGETING' }), 'targeting'],
      [
        'a broken targeting condition',
        () => ({
          assignment: 'TARGETING',
          targeting: { attribute: 'user.plan', operator: 'nope', value: 1 },
        }),
        'targeting.operator',
      ],
    ];

    it.each(cases)('%s', async (_name, overrides, path) => {
      const config = await createConfig(app);
      const input = experimentInput(config.key, overrides(config.key));
      const response = await app.gql(CREATE, { input });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      const issues = response.errors![0].extensions!.validationErrors as { path: string }[];
      expect(issues.map((i) => i.path)).toContain(path);
      const [row] = await db.query(
        'SELECT count(*)::int AS n FROM experiment WHERE config_id = $1',
        [config.id],
      );
      expect(row.n).toBe(0);
    });

    it('checks variant values against the config constraints, and reports every problem at once', async () => {
      const config = await createConfig(app, {
        valueType: 'INTEGER',
        value: 5,
        defaultValue: 1,
        maxValue: 10,
      });
      const response = await app.gql(CREATE, {
        input: experimentInput(config.key, {
          variants: [
            { key: 'a', value: 1, weight: 50, control: true },
            { key: 'b', value: 11, weight: 50 },
          ],
          trafficPercentage: 0,
        }),
      });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      const paths = (response.errors![0].extensions!.validationErrors as { path: string }[]).map(
        (i) => i.path,
      );
      expect(paths).toEqual(expect.arrayContaining(['variants[1].value', 'trafficPercentage']));
    });

    it('refuses a duplicate key (CONFLICT) and an unknown config (NOT_FOUND)', async () => {
      const created = await create();
      const config = await createConfig(app);
      expect(
        errorCode(
          await app.gql(CREATE, { input: experimentInput(config.key, { key: created.key }) }),
        ),
      ).toBe('CONFLICT');
      expect(errorCode(await app.gql(CREATE, { input: experimentInput('no.such.config') }))).toBe(
        'NOT_FOUND',
      );
    });
  });

  it('lets editors write, viewers read, and scoped keys act only in their environment', async () => {
    const created = await create();
    const viewer = await createApiKey(app, { roles: ['VIEWER'] });
    const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
    const prodEditor = await createApiKey(app, { roles: ['EDITOR'], environment: 'production' });
    expect(errorCode(await move(START, created.key, {}, viewer.token))).toBe('FORBIDDEN');
    expect(errorCode(await move(START, created.key, {}, sdk.token))).toBe('FORBIDDEN');
    expect(errorCode(await move(START, created.key, {}, prodEditor.token))).toBe('FORBIDDEN');
    const read = await app.gql(GET, { environment: 'development', key: created.key }, viewer.token);
    expect(read.errors).toBeUndefined();
    const config = await createConfig(app);
    const refused = await app.gql(CREATE, { input: experimentInput(config.key) }, prodEditor.token);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    await move(START, created.key);
    const assigned = await app.gql<Assigned>(
      ASSIGN,
      { input: { experimentKey: created.key, context: { user: { id: 'u1' } } } },
      sdk.token,
    );
    expect(assigned.errors).toBeUndefined();
    expect(['blue', 'green']).toContain(assigned.data!.assignVariant.value);
    const prodSdk = await createApiKey(app, { roles: ['SDK'], environment: 'production' });
    const elsewhere = await app.gql(
      ASSIGN,
      {
        input: {
          environment: 'development',
          experimentKey: created.key,
          context: { user: { id: 'u1' } },
        },
      },
      prodSdk.token,
    );
    expect(errorCode(elsewhere)).toBe('FORBIDDEN');
  });

  it('assigns consistent variants by the engine bucketing, null outside traffic or without a subject', async () => {
    const created = await create({ trafficPercentage: 50 });
    await move(START, created.key);
    const assign = (context: unknown) =>
      app.gql<Assigned>(ASSIGN, {
        input: { environment: 'development', experimentKey: created.key, context },
      });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => assign({ user: { id: `subject-${i}` } })),
    );
    const inside = results.filter((r) => r.data!.assignVariant.variant !== null);
    expect(inside.length).toBeGreaterThan(5);
    expect(inside.length).toBeLessThan(35);
    const again = await assign({ user: { id: 'subject-3' } });
    expect(again.data).toEqual(results[3].data);
    expect((await assign({})).data!.assignVariant).toEqual({
      experimentKey: created.key,
      variant: null,
      value: null,
    });
    // A context that is not an object is refused, as evaluate refuses it.
    for (const context of ['u1', ['u1']]) {
      const refused = await assign(context);
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0].extensions?.validationErrors).toEqual([
        expect.objectContaining({ path: 'input.context', rule: 'type' }),
      ]);
    }
    const [row] = await db.query('SELECT count(*)::int AS n FROM experiment_assignment');
    expect(row.n).toBe(0); // consistent assignment stores nothing
  });

  it('assigns targeting experiments only to matching subjects', async () => {
    const created = await create({
      assignment: 'TARGETING',
      targeting: { attribute: 'user.plan', operator: 'equals', value: 'pro' },
    });
    await move(START, created.key);
    const assign = (plan: string) =>
      app.gql<Assigned>(ASSIGN, {
        input: {
          environment: 'development',
          experimentKey: created.key,
          context: { user: { id: 'x1', plan } },
        },
      });
    expect((await assign('free')).data!.assignVariant.variant).toBeNull();
    expect((await assign('pro')).data!.assignVariant.variant).not.toBeNull();
  });

  it('stores a random assignment once under concurrency (first write wins) and serves it from the snapshot', async () => {
    const config = await createConfig(app);
    const created = await create({ assignment: 'RANDOM' }, config);
    await move(START, created.key);
    const subject = `racer-${Math.random()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        app.gql<Assigned>(ASSIGN, {
          input: {
            environment: 'development',
            experimentKey: created.key,
            context: { user: { id: subject } },
          },
        }),
      ),
    );
    const keys = new Set(results.map((r) => r.data!.assignVariant.variant!.key));
    expect(keys.size).toBe(1);
    const rows = await db.query(
      'SELECT variant_key FROM experiment_assignment WHERE experiment_id = $1',
      [created.id],
    );
    expect(rows).toEqual([{ variant_key: [...keys][0] }]);
    const attached = await snapshotExperiment(config.key);
    expect(attached!.assignments!.get(subject)).toBe([...keys][0]);
  });

  (hasPostgres ? it : it.skip)(
    'keeps random assignments across a restart and reaches other instances (PostgreSQL)',
    async () => {
      const config = await createConfig(app);
      const created = await create({ assignment: 'RANDOM' }, config);
      const other = await startTestApp({ shareWith: app });
      try {
        // The other instance serves the environment already: the start reaches it by the relay.
        expect(await snapshotExperiment(config.key, other)).toBeUndefined();
        await move(START, created.key);
        await eventually(async () => (await snapshotExperiment(config.key, other)) !== undefined, {
          what: 'the start to reach the other instance',
        });
        expect((await snapshotExperiment(config.key, other))!.assignments!.size).toBe(0);
        const first = await app.gql<Assigned>(ASSIGN, {
          input: {
            environment: 'development',
            experimentKey: created.key,
            context: { user: { id: 'sticky' } },
          },
        });
        const variant = first.data!.assignVariant.variant!.key;
        await eventually(
          async () =>
            (await snapshotExperiment(config.key, other))!.assignments!.get('sticky') === variant,
          {
            what: 'the assignment to reach the other instance',
            state: async () => assignmentState(other, created.id, config.key),
          },
        );
      } finally {
        await other.close();
      }
      const restarted = await startTestApp({ shareWith: app });
      try {
        expect(
          (await snapshotExperiment(config.key, restarted))!.assignments!.get('sticky'),
        ).toBeDefined();
        const again = await restarted.gql<Assigned>(ASSIGN, {
          input: {
            environment: 'development',
            experimentKey: created.key,
            context: { user: { id: 'sticky' } },
          },
        });
        expect(again.data!.assignVariant.variant!.key).toBe(
          (await snapshotExperiment(config.key, restarted))!.assignments!.get('sticky'),
        );
      } finally {
        await restarted.close();
      }
    },
  );

  (hasPostgres ? it.skip : it)('keeps random assignments across a restart (embedded)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exp-restart-'));
    const env = { DATA_DIR: dir, DATABASE_URL: undefined };
    let variant: string;
    let key: string;
    const first = await startTestApp({ env });
    try {
      const configKey = uniqueKey();
      const made = await first.gql(
        `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { key } } }`,
        {
          input: {
            environment: 'development',
            key: configKey,
            valueType: 'STRING',
            value: 'on',
            defaultValue: 'off',
          },
        },
      );
      expect(made.errors).toBeUndefined();
      const input = experimentInput(configKey, { assignment: 'RANDOM' });
      key = input.key;
      await first.gql(CREATE, { input });
      await first.gql(START, { input: { environment: 'development', key } });
      const assigned = await first.gql<Assigned>(ASSIGN, {
        input: {
          environment: 'development',
          experimentKey: key,
          context: { user: { id: 'sticky' } },
        },
      });
      variant = assigned.data!.assignVariant.variant!.key;
    } finally {
      await first.close();
    }
    const second = await startTestApp({ env });
    try {
      for (let i = 0; i < 5; i += 1) {
        const again = await second.gql<Assigned>(ASSIGN, {
          input: {
            environment: 'development',
            experimentKey: key,
            context: { user: { id: 'sticky' } },
          },
        });
        expect(again.data!.assignVariant.variant!.key).toBe(variant);
      }
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers NOT_FOUND for assignVariant on an experiment that is not running', async () => {
    const created = await create();
    const response = await app.gql(ASSIGN, {
      input: {
        environment: 'development',
        experimentKey: created.key,
        context: { user: { id: 'a' } },
      },
    });
    expect(errorCode(response)).toBe('NOT_FOUND');
  });

  it('refuses to change a config while its experiment runs (CONFLICT naming it), and allows it once paused', async () => {
    const config = await createConfig(app);
    const created = await create({}, config);
    await move(START, created.key);
    const edit = () =>
      updateConfig(app, { key: config.key, expectedVersion: 1, description: 'edited' });
    const refused = await edit();
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toContain(created.key);
    expect((await snapshotExperiment(config.key))?.key).toBe(created.key);
    await move(PAUSE, created.key);
    expect((await edit()).errors).toBeUndefined();
  });

  it('tells experimentUpdated subscribers of each transition', async () => {
    const created = await create();
    const client = wsClient(app);
    try {
      type Update = { experimentKey: string; status: string; experiment: { status: string } };
      const updates = subscribe<Update>(
        client,
        `subscription ($environment: String!) {
          experimentUpdated(environment: $environment) {
            experimentKey status revision experiment { status } } }`,
        { environment: 'development' },
      );
      // Holds once a probe's start arrives.
      await eventually(async () => {
        const probe = await create();
        await move(START, probe.key);
        return updates.received.length > 0;
      });
      await move(START, created.key);
      await move(PAUSE, created.key);
      const mine = await eventually(async () => {
        const found = updates.received.filter((u) => u.experimentKey === created.key);
        return found.length >= 2 && found;
      });
      expect(mine.map((u) => [u.status, u.experiment.status])).toEqual([
        ['RUNNING', expect.any(String)],
        ['PAUSED', 'PAUSED'],
      ]);
      updates.stop();
    } finally {
      await client.dispose();
    }
  });
});
