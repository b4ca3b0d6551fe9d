import { DataSource } from 'typeorm';
import { createApiKey } from '../factories/api-key.factory';
import { ConfigView, createConfig, updateConfig } from '../factories/config.factory';
import {
  deploymentInput,
  DeploymentView,
  DEPLOYMENT_FIELDS,
  moveDeployment,
  startDeployment,
} from '../factories/deployment.factory';
import { createExperiment, moveExperiment } from '../factories/experiment.factory';
import { EvaluationSnapshots } from '../../src/modules/evaluation/evaluation-snapshots.service';
import {
  DeploymentsService,
  PROGRESSION_AUTHOR,
} from '../../src/modules/deployments/deployments.service';
import { GuardService } from '../../src/modules/deployments/guard.service';
import {
  errorCode,
  eventually,
  GraphQLResponse,
  hasPostgres,
  startTestApp,
  TestApp,
} from '../support/test-app';
import { subscribe, wsClient } from '../support/ws-client';

const CHANGES = `query ($environment: String!, $filter: ConfigChangeFilter) {
  configChanges(environment: $environment, filter: $filter) {
    edges { node { action configVersion comment after actor { name kind } } } } }`;
const LIST = `query ($environment: String!, $key: String, $status: DeploymentStatus, $first: Int, $after: String) {
  deployments(environment: $environment, key: $key, status: $status, first: $first, after: $after) {
    edges { node { id status configKey } } pageInfo { hasNextPage endCursor } } }`;
const GET_CONFIG = `query ($environment: String!, $key: String!) {
  config(environment: $environment, key: $key) { version value } }`;
const EVALUATE = `query ($context: JSON!, $keys: [String!]) {
  evaluate(environment: "development", context: $context, keys: $keys) { key value } }`;

/** The name of the test app's admin key, recorded as who started, paused, … */
const ADMIN = expect.stringContaining('admin');
const PREVIEW = `query ($input: PreviewEvaluationInput!) {
  previewEvaluation(input: $input) {
    result { value } deployment { deploymentId percentage served salt bucket } } }`;
const SUBJECTS = Array.from({ length: 2000 }, (_, i) => `user-${i}`);

type Change = {
  action: string;
  configVersion: number;
  comment: string | null;
  after: Record<string, unknown> | null;
  actor: { name: string; kind: string };
};

function data<T>(response: GraphQLResponse<T>): T {
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data;
}

function validationPaths(response: GraphQLResponse): string[] {
  const issues = response.errors?.[0]?.extensions?.validationErrors as { path: string }[];
  return (issues ?? []).map((issue) => issue.path);
}

describe('deployments', () => {
  let app: TestApp;
  let db: DataSource;
  let environmentId: string;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.running.app.get(DataSource);
    [{ id: environmentId }] = await db.query(
      `SELECT id FROM environment WHERE key = 'development'`,
    );
  });

  afterAll(async () => {
    await app.close();
  });

  async function start(config: ConfigView, overrides: Record<string, unknown> = {}) {
    return data(await startDeployment(app, deploymentInput(config, overrides))).startDeployment
      .deployment;
  }

  async function move(
    mutation: 'pause' | 'resume' | 'advance' | 'rollback',
    input: Record<string, unknown>,
  ): Promise<DeploymentView> {
    return data(await moveDeployment(app, mutation, input))[`${mutation}Deployment`].deployment;
  }

  async function changesOf(key: string): Promise<Change[]> {
    const response = await app.gql<{ configChanges: { edges: { node: Change }[] } }>(CHANGES, {
      environment: 'development',
      filter: { configKey: key },
    });
    return data(response).configChanges.edges.map((edge) => edge.node);
  }

  async function configNow(key: string): Promise<{ version: number; value: unknown }> {
    const response = await app.gql<{ config: { version: number; value: unknown } }>(GET_CONFIG, {
      environment: 'development',
      key,
    });
    return data(response).config;
  }

  /** What this instance's serving snapshot gives each subject. */
  async function served(key: string): Promise<Map<string, unknown>> {
    const snapshot = await app.running.app.get(EvaluationSnapshots).get(environmentId);
    return new Map(
      SUBJECTS.map((id) => [id, snapshot.evaluate(key, { user: { id } }).value] as const),
    );
  }

  function servedCandidate(values: Map<string, unknown>): Set<string> {
    return new Set([...values].filter(([, value]) => value === 'candidate').map(([id]) => id));
  }

  async function rows(configId: string): Promise<number> {
    const [row] = await db.query(
      'SELECT count(*)::int AS n FROM config_deployment WHERE config_id = $1',
      [configId],
    );
    return row.n;
  }

  describe('lifecycle', () => {
    it('starts, advances, pauses, resumes and completes through the change path', async () => {
      const config = await createConfig(app);
      const started = await start(config, { comment: 'new copy' });
      expect(started).toMatchObject({
        configKey: config.key,
        fromVersion: config.version,
        strategy: 'LINEAR',
        status: 'IN_PROGRESS',
        currentStep: 0,
        currentPercentage: 10,
        steps: [
          { percentage: 10, holdSeconds: 3600 },
          { percentage: 40, holdSeconds: 3600 },
          { percentage: 100, holdSeconds: 0 },
        ],
        startedBy: ADMIN,
        comment: 'new copy',
      });
      expect(started.candidate).toMatchObject({ value: 'candidate', defaultValue: 'off' });
      expect(Date.parse(started.nextStepAt!) - Date.now()).toBeGreaterThan(3500_000);
      // Steps leave the config's version as it is.
      expect(await configNow(config.key)).toEqual({ version: config.version, value: 'on' });

      const advanced = await move('advance', { id: started.id });
      expect(advanced).toMatchObject({
        status: 'IN_PROGRESS',
        currentStep: 1,
        currentPercentage: 40,
      });

      const paused = await move('pause', { id: started.id, comment: 'checking dashboards' });
      expect(paused).toMatchObject({ status: 'PAUSED', pausedBy: ADMIN, currentPercentage: 40 });
      const refused = await moveDeployment(app, 'advance', { id: started.id });
      expect(errorCode(refused)).toBe('CONFLICT');

      const resumed = await move('resume', { id: started.id });
      expect(resumed).toMatchObject({ status: 'IN_PROGRESS', resumedBy: ADMIN, currentStep: 1 });
      expect(resumed.pausedAt).toBeNull();

      const completed = await move('advance', { id: started.id });
      expect(completed).toMatchObject({
        status: 'COMPLETED',
        currentStep: 2,
        currentPercentage: 100,
        nextStepAt: null,
      });
      expect(completed.endedAt).not.toBeNull();
      expect(await configNow(config.key)).toEqual({
        version: config.version + 1,
        value: 'candidate',
      });

      const changes = await changesOf(config.key);
      expect(changes.map((c) => [c.action, c.configVersion])).toEqual([
        ['DEPLOYMENT_COMPLETED', config.version + 1],
        ['DEPLOYMENT_RESUMED', config.version],
        ['DEPLOYMENT_PAUSED', config.version],
        ['DEPLOYMENT_STEP', config.version],
        ['DEPLOYMENT_STARTED', config.version],
        ['CREATE', config.version],
      ]);
      expect(changes[0].after).toMatchObject({ value: 'candidate' });
      expect(changes[2].comment).toBe('checking dashboards');
      expect(changes[4].comment).toBe('new copy');

      // Completed: the config is free again.
      const edited = await updateConfig(app, {
        key: config.key,
        expectedVersion: config.version + 1,
        value: 'after',
      });
      expect(edited.errors).toBeUndefined();

      // The deployment's entries are links of the environment's hash chain like any other.
      const verified = await app.gql<{ verifyChangeHistory: { valid: boolean; problem: string } }>(
        `query { verifyChangeHistory(environment: "development") { valid problem } }`,
      );
      expect(data(verified).verifyChangeHistory).toEqual({ valid: true, problem: null });
    });

    it('completes an immediate deployment at once', async () => {
      const config = await createConfig(app);
      const done = await start(config, { strategy: 'IMMEDIATE', parameters: undefined });
      expect(done).toMatchObject({
        status: 'COMPLETED',
        steps: [{ percentage: 100, holdSeconds: 0 }],
      });
      expect(await configNow(config.key)).toEqual({ version: 2, value: 'candidate' });
      const actions = (await changesOf(config.key)).map((c) => c.action);
      expect(actions).toEqual(['DEPLOYMENT_COMPLETED', 'DEPLOYMENT_STARTED', 'CREATE']);
    });

    it("takes the config's deploymentStrategy and deploymentConfig when the start names none", async () => {
      const config = await createConfig(app, {
        deploymentStrategy: 'CANARY',
        deploymentConfig: { canaryPercentage: 20, holdSeconds: 600 },
      });
      const started = await start(config, { strategy: undefined, parameters: undefined });
      expect(started).toMatchObject({
        strategy: 'CANARY',
        parameters: { canaryPercentage: 20, holdSeconds: 600 },
        steps: [
          { percentage: 20, holdSeconds: 600 },
          { percentage: 100, holdSeconds: 0 },
        ],
      });
      await move('rollback', { id: started.id, reason: 'cleanup' });
    });

    it('lists deployments newest first by environment, key and status, page by page', async () => {
      const config = await createConfig(app);
      const first = await start(config);
      await move('rollback', { id: first.id, reason: 'first try' });
      const second = await start(config);
      type Page = {
        deployments: {
          edges: { node: { id: string; status: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
      const page1 = data(
        await app.gql<Page>(LIST, { environment: 'development', key: config.key, first: 1 }),
      ).deployments;
      expect(page1.edges.map((e) => e.node.id)).toEqual([second.id]);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const page2 = data(
        await app.gql<Page>(LIST, {
          environment: 'development',
          key: config.key,
          first: 1,
          after: page1.pageInfo.endCursor,
        }),
      ).deployments;
      expect(page2.edges.map((e) => [e.node.id, e.node.status])).toEqual([
        [first.id, 'ROLLED_BACK'],
      ]);
      expect(page2.pageInfo.hasNextPage).toBe(false);
      const rolledBack = data(
        await app.gql<Page>(LIST, {
          environment: 'development',
          status: 'ROLLED_BACK',
          first: 100,
        }),
      ).deployments.edges.map((e) => e.node.id);
      expect(rolledBack).toContain(first.id);
      expect(rolledBack).not.toContain(second.id);
      const one = await app.gql<{ deployment: DeploymentView }>(
        `query ($id: ID!) { deployment(id: $id) { ${DEPLOYMENT_FIELDS} } }`,
        { id: second.id },
      );
      expect(data(one).deployment).toMatchObject({ id: second.id, status: 'IN_PROGRESS' });
      await move('rollback', { id: second.id, reason: 'cleanup' });
    });
  });

  describe('bad input', () => {
    it.each([
      ['percentages not increasing', { percentages: [50, 40, 100] }, 'parameters.percentages[1]'],
      ['a percentage above 100', { percentages: [10, 140] }, 'parameters.percentages[1]'],
      ['a zero interval', { stepPercentage: 10, intervalSeconds: 0 }, 'parameters.intervalSeconds'],
      [
        'a negative interval',
        { stepPercentage: 10, intervalSeconds: -5 },
        'parameters.intervalSeconds',
      ],
      [
        'more than 100 steps',
        { stepPercentage: 0.5, intervalSeconds: 60 },
        'parameters.stepPercentage',
      ],
    ])('refuses %s with BAD_USER_INPUT and its path', async (_, parameters, path) => {
      const config = await createConfig(app);
      const response = await startDeployment(app, deploymentInput(config, { parameters }));
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(validationPaths(response)).toContain(path);
      expect(await rows(config.id)).toBe(0);
    });

    it('refuses an invalid candidate with the paths of every problem, writing nothing', async () => {
      const config = await createConfig(app, { valueType: 'INTEGER', value: 1, defaultValue: 0 });
      const response = await startDeployment(
        app,
        deploymentInput(config, {
          candidate: { value: 'abc', targetingRules: [{ condition: {}, value: 2 }] },
        }),
      );
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(validationPaths(response)).toEqual(
        expect.arrayContaining([
          'candidate.value',
          expect.stringMatching(/^candidate\.targetingRules\[0\]/),
        ]),
      );
      expect(await rows(config.id)).toBe(0);
      expect((await changesOf(config.key)).map((c) => c.action)).toEqual(['CREATE']);
    });

    it('refuses an archived config, a stale expectedVersion and a second active deployment with CONFLICT', async () => {
      const archived = await createConfig(app);
      const archive = await app.gql(
        `mutation ($input: ArchiveConfigInput!) { archiveConfig(input: $input) { config { version } } }`,
        { input: { environment: 'development', key: archived.key, expectedVersion: 1 } },
      );
      expect(archive.errors).toBeUndefined();
      const onArchived = await startDeployment(app, deploymentInput({ ...archived, version: 2 }));
      expect(errorCode(onArchived)).toBe('CONFLICT');
      expect(await rows(archived.id)).toBe(0);

      const config = await createConfig(app);
      const stale = await startDeployment(app, deploymentInput({ ...config, version: 7 }));
      expect(errorCode(stale)).toBe('CONFLICT');
      expect(stale.errors![0].extensions).toMatchObject({ currentVersion: 1, expectedVersion: 7 });

      const first = await start(config);
      const second = await startDeployment(app, deploymentInput(config));
      expect(errorCode(second)).toBe('CONFLICT');
      expect(second.errors![0].extensions).toMatchObject({ deploymentId: first.id });
      expect(await rows(config.id)).toBe(1);
      await move('rollback', { id: first.id, reason: 'cleanup' });
    });

    it('lets only one of two concurrent starts on a config through', async () => {
      const config = await createConfig(app);
      const responses = await Promise.all(
        [1, 2, 3].map(() => startDeployment(app, deploymentInput(config))),
      );
      const started = responses.filter((r) => r.data);
      expect(started).toHaveLength(1);
      expect(responses.filter((r) => errorCode(r) === 'CONFLICT')).toHaveLength(2);
      expect(await rows(config.id)).toBe(1);
      const actions = (await changesOf(config.key)).map((c) => c.action);
      expect(actions).toEqual(['DEPLOYMENT_STARTED', 'CREATE']);
      await move('rollback', { id: started[0].data!.startDeployment.deployment.id, reason: 'x' });
    });

    it('refuses a rollback without a reason and a deployment of another environment to a scoped key', async () => {
      const config = await createConfig(app);
      const started = await start(config);
      const blank = await moveDeployment(app, 'rollback', { id: started.id, reason: '  ' });
      expect(errorCode(blank)).toBe('BAD_USER_INPUT');
      const viewer = await createApiKey(app, { roles: ['VIEWER'] });
      const byViewer = await moveDeployment(app, 'pause', { id: started.id }, viewer.token);
      expect(errorCode(byViewer)).toBe('FORBIDDEN');
      const scoped = await createApiKey(app, { roles: ['EDITOR'], environment: 'production' });
      const elsewhere = await moveDeployment(app, 'pause', { id: started.id }, scoped.token);
      expect(errorCode(elsewhere)).toBe('FORBIDDEN');
      const missing = await moveDeployment(app, 'pause', {
        id: '00000000-0000-4000-8000-000000000000',
      });
      expect(errorCode(missing)).toBe('NOT_FOUND');
      expect((await changesOf(config.key)).map((c) => c.action)).toEqual([
        'DEPLOYMENT_STARTED',
        'CREATE',
      ]);
      await move('rollback', { id: started.id, reason: 'cleanup' });
    });
  });

  describe('conflicts with other writers', () => {
    it('refuses edits, config rollbacks and archiving while a deployment is active, naming it', async () => {
      const config = await createConfig(app);
      const edit = await updateConfig(app, { key: config.key, expectedVersion: 1, value: 'two' });
      expect(edit.errors).toBeUndefined();
      const started = await start({ ...config, version: 2 });
      const mutations = [
        updateConfig(app, { key: config.key, expectedVersion: 2, value: 'three' }),
        app.gql(
          `mutation ($input: RollbackConfigInput!) { rollbackConfig(input: $input) { config { version } } }`,
          {
            input: {
              environment: 'development',
              key: config.key,
              expectedVersion: 2,
              toVersion: 1,
            },
          },
        ),
        app.gql(
          `mutation ($input: ArchiveConfigInput!) { archiveConfig(input: $input) { config { version } } }`,
          { input: { environment: 'development', key: config.key, expectedVersion: 2 } },
        ),
        // The deployment is named before a stale expectedVersion (DESIGN.md's order).
        updateConfig(app, { key: config.key, expectedVersion: 1, value: 'three' }),
      ];
      for (const response of await Promise.all(mutations)) {
        expect(errorCode(response)).toBe('CONFLICT');
        expect(response.errors![0].extensions).toMatchObject({ deploymentId: started.id });
      }
      expect(await configNow(config.key)).toEqual({ version: 2, value: 'two' });
      await move('rollback', { id: started.id, reason: 'cleanup' });
    });

    it('refuses an experiment while a deployment is active, and a deployment while an experiment runs', async () => {
      const config = await createConfig(app);
      const experimentMove = (name: string, key: string) => moveExperiment(app, name, key);

      const deployment = await start(config);
      const key = await createExperiment(app, config.key);
      const refused = await experimentMove('startExperiment', key);
      expect(errorCode(refused)).toBe('CONFLICT');
      expect(refused.errors![0].extensions).toMatchObject({ deploymentId: deployment.id });
      await move('rollback', { id: deployment.id, reason: 'make room' });

      expect((await experimentMove('startExperiment', key)).errors).toBeUndefined();
      const blocked = await startDeployment(app, deploymentInput(config));
      expect(errorCode(blocked)).toBe('CONFLICT');
      expect(blocked.errors![0].extensions).toMatchObject({ experimentKey: key });
      expect(await rows(config.id)).toBe(1);
      await experimentMove('pauseExperiment', key);
    });
  });

  describe('serving', () => {
    it('serves the candidate to the step percentage, only adding subjects, and everyone the stable value after a rollback at 40%', async () => {
      const config = await createConfig(app);
      const started = await start(config);
      const atTen = servedCandidate(await served(config.key));
      // 10% of 2,000 subjects, within sampling noise.
      expect(atTen.size).toBeGreaterThan(120);
      expect(atTen.size).toBeLessThan(280);

      await move('advance', { id: started.id });
      const atForty = servedCandidate(await served(config.key));
      expect(atForty.size).toBeGreaterThan(680);
      expect(atForty.size).toBeLessThan(920);
      for (const id of atTen) expect(atForty.has(id)).toBe(true);

      // Through the API too: some of these subjects get the candidate.
      const sample = [...atForty].slice(0, 3);
      for (const id of sample) {
        const response = await app.gql<{ evaluate: { value: unknown }[] }>(EVALUATE, {
          context: { user: { id } },
          keys: [config.key],
        });
        expect(data(response).evaluate[0].value).toBe('candidate');
      }

      // previewEvaluation says which state served each subject, and why.
      const [inside, outside] = [sample[0], SUBJECTS.find((id) => !atForty.has(id))!];
      const preview = await app.gql<{
        previewEvaluation: { result: { value: unknown }; deployment: Record<string, unknown> }[];
      }>(PREVIEW, {
        input: {
          config: { environment: 'development', key: config.key },
          contexts: [{ user: { id: inside } }, { user: { id: outside } }],
        },
      });
      expect(data(preview).previewEvaluation).toEqual([
        {
          result: { value: 'candidate' },
          deployment: expect.objectContaining({
            deploymentId: started.id,
            percentage: 40,
            served: 'CANDIDATE',
          }),
        },
        {
          result: { value: 'on' },
          deployment: expect.objectContaining({ deploymentId: started.id, served: 'STABLE' }),
        },
      ]);

      const rolledBack = await move('rollback', { id: started.id, reason: 'error rate up' });
      expect(rolledBack).toMatchObject({
        status: 'ROLLED_BACK',
        reason: 'error rate up',
        rolledBackBy: ADMIN,
      });
      const after = await served(config.key);
      expect(new Set(after.values())).toEqual(new Set(['on']));
      for (const id of sample) {
        const response = await app.gql<{ evaluate: { value: unknown }[] }>(EVALUATE, {
          context: { user: { id } },
          keys: [config.key],
        });
        expect(data(response).evaluate[0].value).toBe('on');
      }
      const [rollback] = await changesOf(config.key);
      expect(rollback).toMatchObject({
        action: 'DEPLOYMENT_ROLLED_BACK',
        configVersion: 1,
        comment: 'error rate up',
      });
      expect(await configNow(config.key)).toEqual({ version: 1, value: 'on' });
    });

    // A second instance shares the database: PostgreSQL only (the embedded one serves one process).
    (hasPostgres ? it : it.skip)(
      'serves both states from a second instance that loaded the environment during the deployment',
      async () => {
        const config = await createConfig(app);
        const started = await start(config);
        await move('advance', { id: started.id });
        const second = await startTestApp({ shareWith: app });
        try {
          const snapshot = await second.running.app.get(EvaluationSnapshots).get(environmentId);
          expect(snapshot.deploymentOf(config.key)).toMatchObject({
            id: started.id,
            percentage: 40,
          });
          const here = await served(config.key);
          const there = new Map(
            SUBJECTS.map((id) => [id, snapshot.evaluate(config.key, { user: { id } }).value]),
          );
          expect(there).toEqual(here);
        } finally {
          await second.close();
          await move('rollback', { id: started.id, reason: 'cleanup' });
        }
      },
    );
  });

  describe('progression', () => {
    it('takes a due step once however many callers race for it', async () => {
      const config = await createConfig(app);
      const started = await start(config);
      const service = app.running.app.get(DeploymentsService);
      // Not due yet: nothing happens.
      expect(await service.advanceIfDue(started.id, 1, PROGRESSION_AUTHOR)).toMatchObject({
        advanced: false,
      });
      await db.query(
        `UPDATE config_deployment SET next_step_at = now() - interval '1 second' WHERE id = $1`,
        [started.id],
      );
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () => service.advanceIfDue(started.id, 1, PROGRESSION_AUTHOR)),
      );
      expect(outcomes.filter((o) => o.advanced)).toHaveLength(1);
      // A repeat (a retried job) and a step that is not next change nothing.
      expect((await service.advanceIfDue(started.id, 1, PROGRESSION_AUTHOR)).advanced).toBe(false);
      expect((await service.advanceIfDue(started.id, 2, PROGRESSION_AUTHOR)).advanced).toBe(false);
      const changes = await changesOf(config.key);
      expect(changes.filter((c) => c.action === 'DEPLOYMENT_STEP')).toHaveLength(1);
      expect(changes[0].actor).toEqual({ name: 'deployment-progression', kind: 'system' });
      await move('rollback', { id: started.id, reason: 'cleanup' });
    });

    it('completes once when callers race for the last step', async () => {
      const config = await createConfig(app);
      const started = await start(config, {
        parameters: { percentages: [50, 100], intervalSeconds: 3600 },
      });
      await db.query(
        `UPDATE config_deployment SET next_step_at = now() - interval '1 second' WHERE id = $1`,
        [started.id],
      );
      const service = app.running.app.get(DeploymentsService);
      const outcomes = await Promise.all(
        Array.from({ length: 4 }, () => service.advanceIfDue(started.id, 1, PROGRESSION_AUTHOR)),
      );
      expect(outcomes.filter((o) => o.advanced)).toHaveLength(1);
      const actions = (await changesOf(config.key)).map((c) => c.action);
      expect(actions).toEqual(['DEPLOYMENT_COMPLETED', 'DEPLOYMENT_STARTED', 'CREATE']);
      expect(await configNow(config.key)).toEqual({ version: 2, value: 'candidate' });
    });

    it('runs a deployment with 1 s intervals to completion on its own', async () => {
      const config = await createConfig(app);
      const started = await start(config, {
        parameters: { percentages: [25, 50, 100], intervalSeconds: 1 },
      });
      const done = await eventually(
        async () => {
          const now = await app.running.app.get(DeploymentsService).find(started.id);
          return now.status === 'completed' && now;
        },
        { timeoutMs: 20_000, what: 'the deployment to complete' },
      );
      expect(done.currentStep).toBe(2);
      const actions = (await changesOf(config.key)).map((c) => c.action);
      expect(actions).toEqual([
        'DEPLOYMENT_COMPLETED',
        'DEPLOYMENT_STEP',
        'DEPLOYMENT_STARTED',
        'CREATE',
      ]);
      expect(await configNow(config.key)).toEqual({ version: 2, value: 'candidate' });
    });

    it('tells deploymentUpdated subscribers about every step', async () => {
      const client = wsClient(app);
      try {
        type Update = {
          deploymentId: string;
          configKey: string;
          action: string;
          status: string;
          percentage: number;
          deployment: { status: string };
        };
        const config = await createConfig(app);
        const updates = subscribe<Update>(
          client,
          `subscription ($environment: String!, $keys: [String!]) {
            deploymentUpdated(environment: $environment, keys: $keys) {
              deploymentId configKey action status currentStep percentage revision deployment { status } } }`,
          { environment: 'development', keys: [config.key] },
        );
        // Holds once a probe's start arrives (the subscription is then in place).
        let deployment = await start(config);
        await eventually(async () => {
          if (updates.received.some((u) => u.deploymentId === deployment.id)) return true;
          await move('rollback', { id: deployment.id, reason: 'probe' });
          deployment = await start(config);
          return false;
        });
        const before = updates.received.length;
        await move('advance', { id: deployment.id });
        await move('rollback', { id: deployment.id, reason: 'done' });
        const received = (await updates.waitFor(before + 2)).slice(before);
        expect(received.map((u) => [u.action, u.status, u.percentage])).toEqual([
          ['DEPLOYMENT_STEP', 'IN_PROGRESS', 40],
          ['DEPLOYMENT_ROLLED_BACK', 'ROLLED_BACK', 40],
        ]);
        expect(received.every((u) => u.deploymentId === deployment.id)).toBe(true);
        updates.stop();
      } finally {
        await client.dispose();
      }
    });
  });

  describe('guards', () => {
    it('rolls a deployment back when its guard trips, recording why', async () => {
      const config = await createConfig(app);
      const started = await start(config);
      const tripped = await app.running.app
        .get(GuardService)
        .trip(started.id, 'error rate above 5% for 5 minutes');
      expect(tripped).toMatchObject({
        status: 'rolled_back',
        rolledBackBy: 'deployment-guard',
        reason: 'Guard tripped: error rate above 5% for 5 minutes',
      });
      const [entry] = await changesOf(config.key);
      expect(entry).toMatchObject({
        action: 'DEPLOYMENT_ROLLED_BACK',
        comment: 'Guard tripped: error rate above 5% for 5 minutes',
        actor: { name: 'deployment-guard', kind: 'system' },
      });
      expect(new Set((await served(config.key)).values())).toEqual(new Set(['on']));
    });

    it('pauses instead when the deployment says so, once however often it trips', async () => {
      const config = await createConfig(app);
      const started = await start(config, { onGuardTrip: 'PAUSE' });
      const guard = app.running.app.get(GuardService);
      const tripped = await guard.trip(started.id, 'latency');
      expect(tripped).toMatchObject({ status: 'paused', pausedBy: 'deployment-guard' });
      await guard.trip(started.id, 'latency again');
      const actions = (await changesOf(config.key)).map((c) => c.action);
      expect(actions).toEqual(['DEPLOYMENT_PAUSED', 'DEPLOYMENT_STARTED', 'CREATE']);
      // Paused, the split holds.
      expect(servedCandidate(await served(config.key)).size).toBeGreaterThan(120);
      await move('rollback', { id: started.id, reason: 'cleanup' });
    });
  });
});
