import { createConfig, uniqueKey } from '../factories/config.factory';
import { deploymentInput, moveDeployment, startDeployment } from '../factories/deployment.factory';
import { moveExperiment } from '../factories/experiment.factory';
import { GraphQLResponse, startTestApp, TestApp } from '../support/test-app';

/**
 * explainServed at past times while a deployment progressed and experiments ran: each answer
 * is compared with what `evaluate` served at that time, recorded live during the test.
 */

const RESULT_FIELDS = 'key value reason ruleId variant version errorCode deploymentId';
const EXPLAIN_SERVED = `query ($key: String!, $context: JSON!, $at: DateTime!) {
  explainServed(environment: "development", key: $key, context: $context, at: $at) {
    configState
    result { ${RESULT_FIELDS} }
    explain { path kind reached outcome variant detail }
    change { id action configVersion }
    deployment { deploymentId percentage served bucket salt status step change { id action } }
    experiment { id key name assignment variant assignedAt replayable change { id action } } } }`;
const EVALUATE = `query ($context: JSON!, $keys: [String!]) {
  evaluate(environment: "development", context: $context, keys: $keys) { ${RESULT_FIELDS} } }`;
const CHANGES = `query ($filter: ConfigChangeFilter) {
  configChanges(environment: "development", filter: $filter, first: 50) {
    edges { node { id action createdAt } } } }`;

interface Result {
  key: string;
  value: unknown;
  reason: string;
  variant: string | null;
  deploymentId: string | null;
  [field: string]: unknown;
}
interface Served {
  configState: string;
  result: Result;
  explain: { path: string; kind: string; outcome: boolean; variant: string | null }[];
  change: { id: string; action: string; configVersion: number } | null;
  deployment: {
    deploymentId: string;
    percentage: number;
    served: 'STABLE' | 'CANDIDATE' | null;
    bucket: number | null;
    salt: string;
    status: string;
    step: number;
    change: { id: string; action: string };
  } | null;
  experiment: {
    id: string | null;
    key: string;
    name: string | null;
    assignment: string | null;
    variant: string | null;
    assignedAt: string | null;
    replayable: boolean;
    change: { id: string; action: string };
  } | null;
}
interface Entry {
  id: string;
  action: string;
  createdAt: string;
}

/** What `evaluate` served each subject at one time. */
interface Moment {
  at: string;
  live: Map<string, Result>;
}

/** Enough subjects that a 10% split has, for any salt, some on each side. */
const SUBJECTS = Array.from({ length: 120 }, (_, i) => `subject-${i}`);
/** explainServed calls in flight at once. */
const REPLAY_BATCH = 10;
const contextOf = (id: string) => ({ user: { id } });

/** Lets the clock move on, so the next commit's time differs from the last one's. */
function nextMillisecond(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 3));
}

function data<T>(response: GraphQLResponse<T>): T {
  expect(response.errors).toBeUndefined();
  return response.data!;
}

describe('explainServed with deployments and experiments', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  async function evaluate(key: string, id: string): Promise<Result> {
    const response = await app.gql<{ evaluate: Result[] }>(EVALUATE, {
      context: contextOf(id),
      keys: [key],
    });
    return data(response).evaluate[0];
  }

  /** Evaluates every subject now, and keeps the time: every write before it is served. */
  async function record(key: string, subjects = SUBJECTS): Promise<Moment> {
    const results = await Promise.all(subjects.map((id) => evaluate(key, id)));
    const at = new Date().toISOString();
    // The next write is committed a moment later than this time.
    await nextMillisecond();
    return { at, live: new Map(subjects.map((id, i) => [id, results[i]])) };
  }

  async function served(key: string, id: string, at: string): Promise<Served> {
    const response = await app.gql<{ explainServed: Served }>(EXPLAIN_SERVED, {
      key,
      context: contextOf(id),
      at,
    });
    return data(response).explainServed;
  }

  const replayed = new Map<Moment, Promise<Map<string, Served>>>();
  /** explainServed for every subject of a moment (asked once), each checked against what was served. */
  function replay(key: string, moment: Moment): Promise<Map<string, Served>> {
    if (!replayed.has(moment)) replayed.set(moment, replayOnce(key, moment));
    return replayed.get(moment)!;
  }

  async function replayOnce(key: string, moment: Moment): Promise<Map<string, Served>> {
    const subjects = [...moment.live.keys()];
    // A few at a time: each replays the history, and 120 at once can outwait the database's
    // timeouts on a loaded machine.
    const answers: Served[] = [];
    for (let i = 0; i < subjects.length; i += REPLAY_BATCH) {
      const batch = subjects.slice(i, i + REPLAY_BATCH);
      answers.push(...(await Promise.all(batch.map((id) => served(key, id, moment.at)))));
    }
    answers.forEach((answer, i) => {
      expect({ subject: subjects[i], result: answer.result }).toEqual({
        subject: subjects[i],
        result: moment.live.get(subjects[i]),
      });
    });
    return new Map(subjects.map((id, i) => [id, answers[i]]));
  }

  async function historyOf(key: string): Promise<Entry[]> {
    const response = await app.gql<{ configChanges: { edges: { node: Entry }[] } }>(CHANGES, {
      filter: { configKey: key },
    });
    return data(response)
      .configChanges.edges.map((edge) => edge.node)
      .reverse();
  }

  describe('a linear deployment stepped, rolled back, then started again and completed', () => {
    const moments: Record<string, Moment> = {};
    let key: string;
    let first: string;
    let second: string;

    beforeAll(async () => {
      const config = await createConfig(app, { value: 'stable', defaultValue: 'off' });
      key = config.key;
      moments.before = await record(key);
      const started = data(await startDeployment(app, deploymentInput(config)));
      first = started.startDeployment.deployment.id;
      moments.atTen = await record(key);
      data(await moveDeployment(app, 'advance', { id: first }));
      moments.atForty = await record(key);
      data(await moveDeployment(app, 'pause', { id: first }));
      moments.paused = await record(key);
      data(await moveDeployment(app, 'rollback', { id: first, reason: 'error rate up' }));
      moments.rolledBack = await record(key);
      const again = data(await startDeployment(app, deploymentInput(config)));
      second = again.startDeployment.deployment.id;
      data(await moveDeployment(app, 'advance', { id: second }));
      const done = data(await moveDeployment(app, 'advance', { id: second }));
      expect(done.advanceDeployment.deployment.status).toBe('COMPLETED');
      moments.completed = await record(key);
    });

    it('serves the stable state to everyone before the start', async () => {
      const answers = await replay(key, moments.before);
      for (const answer of answers.values()) {
        expect(answer).toMatchObject({ deployment: null, result: { value: 'stable' } });
      }
    });

    it('serves the candidate to the subjects inside 10%, saying why for each', async () => {
      const answers = await replay(key, moments.atTen);
      const candidates = [...answers.values()].filter((a) => a.result.value === 'candidate');
      expect(candidates.length).toBeGreaterThan(0);
      expect(candidates.length).toBeLessThan(SUBJECTS.length / 3);
      for (const answer of answers.values()) {
        const candidate = answer.result.deploymentId === first;
        expect(answer.deployment).toMatchObject({
          deploymentId: first,
          percentage: 10,
          served: candidate ? 'CANDIDATE' : 'STABLE',
          salt: `${key}:${first}`,
          status: 'IN_PROGRESS',
          step: 0,
          change: { action: 'DEPLOYMENT_STARTED' },
        });
        // The bucket against the percentage: inside below 10 × 100.
        expect(answer.deployment!.bucket! < 1000).toBe(candidate);
        expect(answer.explain[0]).toMatchObject({ kind: 'DEPLOYMENT', outcome: candidate });
        // The state evaluated is the config's version: a deployment does not change it.
        expect(answer.change).toMatchObject({ action: 'CREATE', configVersion: 1 });
      }
    });

    it('keeps those subjects on the candidate at the later step, and adds more', async () => {
      const atTen = await replay(key, moments.atTen);
      const answers = await replay(key, moments.atForty);
      const candidates = (map: Map<string, Served>) =>
        [...map].filter(([, a]) => a.deployment!.served === 'CANDIDATE').map(([id]) => id);
      expect(candidates(answers).length).toBeGreaterThan(candidates(atTen).length);
      expect(candidates(answers)).toEqual(expect.arrayContaining(candidates(atTen)));
      for (const answer of answers.values()) {
        expect(answer.deployment).toMatchObject({
          percentage: 40,
          step: 1,
          status: 'IN_PROGRESS',
          change: { action: 'DEPLOYMENT_STEP' },
        });
      }
      const paused = await replay(key, moments.paused);
      for (const [id, answer] of paused) {
        expect(answer.deployment).toMatchObject({
          percentage: 40,
          status: 'PAUSED',
          served: answers.get(id)!.deployment!.served,
          change: { action: 'DEPLOYMENT_PAUSED' },
        });
      }
    });

    it('serves the stable state again after the rollback', async () => {
      const answers = await replay(key, moments.rolledBack);
      for (const answer of answers.values()) {
        expect(answer).toMatchObject({ deployment: null, result: { value: 'stable' } });
      }
    });

    it('serves the candidate as the new version after the completion', async () => {
      const answers = await replay(key, moments.completed);
      for (const answer of answers.values()) {
        expect(answer).toMatchObject({
          deployment: null,
          result: { value: 'candidate', version: 2, deploymentId: null },
          change: { action: 'DEPLOYMENT_COMPLETED', configVersion: 2 },
        });
      }
    });
  });

  async function createExperiment(
    configKey: string,
    fields: Record<string, unknown>,
  ): Promise<string> {
    const key = uniqueKey('exp');
    data(
      await app.gql(
        `mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { key } } }`,
        {
          input: {
            environment: 'development',
            configKey,
            key,
            name: 'Banner colour',
            variants: [
              { key: 'blue', value: 'blue', weight: 50, control: true },
              { key: 'green', value: 'green', weight: 50 },
            ],
            primaryMetric: { event: 'buy', kind: 'CONVERSION' },
            ...fields,
          },
        },
      ),
    );
    return key;
  }

  async function move(name: string, key: string, input: Record<string, unknown> = {}) {
    if (Object.keys(input).length === 0) {
      data(await moveExperiment(app, name, key));
      return;
    }
    data(
      await app.gql(
        `mutation ($input: CompleteExperimentInput!) {
          completeExperiment(input: $input) { experiment { status } configVersion } }`,
        { input: { environment: 'development', key, ...input } },
      ),
    );
  }

  describe('a consistent experiment started, paused, resumed and completed', () => {
    const moments: Record<string, Moment> = {};
    let key: string;
    let experimentKey: string;

    beforeAll(async () => {
      key = (await createConfig(app, { value: 'grey', defaultValue: 'off' })).key;
      experimentKey = await createExperiment(key, { trafficPercentage: 50 });
      moments.draft = await record(key);
      await move('startExperiment', experimentKey);
      moments.running = await record(key);
      await move('pauseExperiment', experimentKey);
      moments.paused = await record(key);
      await move('resumeExperiment', experimentKey);
      moments.resumed = await record(key);
      await move('completeExperiment', experimentKey, { winner: 'green', promoteWinner: true });
      moments.completed = await record(key);
    });

    it('serves no variant before the start', async () => {
      for (const answer of (await replay(key, moments.draft)).values()) {
        expect(answer).toMatchObject({ experiment: null, result: { value: 'grey' } });
      }
    });

    it("serves each subject in the traffic its variant while running, with the experiment's step", async () => {
      for (const [moment, action] of [
        [moments.running, 'EXPERIMENT_STARTED'],
        [moments.resumed, 'EXPERIMENT_STARTED'],
      ] as const) {
        const answers = [...(await replay(key, moment)).values()];
        const inside = answers.filter((a) => a.result.reason === 'EXPERIMENT');
        expect(inside.length).toBeGreaterThan(0);
        expect(inside.length).toBeLessThan(answers.length);
        for (const answer of answers) {
          const variant = answer.result.variant;
          expect(answer.experiment).toMatchObject({
            key: experimentKey,
            name: 'Banner colour',
            assignment: 'CONSISTENT',
            variant,
            assignedAt: null,
            replayable: true,
            change: { action },
          });
          expect(answer.explain[0]).toMatchObject({ kind: 'EXPERIMENT', outcome: !!variant });
          if (variant) {
            expect(answer.result.value).toBe(variant);
            expect(answer.explain).toContainEqual(
              expect.objectContaining({ kind: 'VARIANT', variant }),
            );
          }
        }
      }
    });

    it('serves no variant while paused, and the promoted winner once completed', async () => {
      for (const answer of (await replay(key, moments.paused)).values()) {
        expect(answer).toMatchObject({ experiment: null, result: { value: 'grey' } });
      }
      for (const answer of (await replay(key, moments.completed)).values()) {
        expect(answer).toMatchObject({
          experiment: null,
          result: { value: 'green', version: 2 },
          change: { action: 'UPDATE', configVersion: 2 },
        });
      }
    });
  });

  describe('a random experiment, before and after subjects were assigned', () => {
    const ASSIGNED = SUBJECTS.slice(0, 6);
    const NEVER = SUBJECTS.slice(6, 9);
    const moments: Record<string, Moment> = {};
    let key: string;
    let experimentKey: string;
    let assignedBy: string;

    beforeAll(async () => {
      key = (await createConfig(app, { value: 'grey', defaultValue: 'off' })).key;
      experimentKey = await createExperiment(key, { assignment: 'RANDOM' });
      await move('startExperiment', experimentKey);
      moments.unassigned = await record(key, [...ASSIGNED, ...NEVER]);
      for (const id of ASSIGNED) {
        data(
          await app.gql(
            `mutation ($input: AssignVariantInput!) { assignVariant(input: $input) { variant { key } } }`,
            { input: { environment: 'development', experimentKey, context: contextOf(id) } },
          ),
        );
      }
      assignedBy = new Date().toISOString();
      await nextMillisecond();
      moments.assigned = await record(key, [...ASSIGNED, ...NEVER]);
    });

    it('serves no variant to a subject before its assignment was stored', async () => {
      for (const answer of (await replay(key, moments.unassigned)).values()) {
        expect(answer).toMatchObject({
          result: { value: 'grey', reason: 'FALLTHROUGH' },
          experiment: { key: experimentKey, assignment: 'RANDOM', variant: null, assignedAt: null },
        });
      }
    });

    it('serves the stored variant from its assignment on, saying when it was stored', async () => {
      const answers = await replay(key, moments.assigned);
      for (const id of ASSIGNED) {
        const answer = answers.get(id)!;
        expect(answer.result.reason).toBe('EXPERIMENT');
        expect(answer.experiment).toMatchObject({
          variant: answer.result.variant,
          replayable: true,
          change: { action: 'EXPERIMENT_STARTED' },
        });
        const assignedAt = Date.parse(answer.experiment!.assignedAt!);
        expect(assignedAt).toBeGreaterThan(Date.parse(moments.unassigned.at));
        expect(assignedAt).toBeLessThanOrEqual(Date.parse(assignedBy));
        expect(answer.explain[1]).toMatchObject({
          path: 'experiment.assignments',
          kind: 'VARIANT',
          variant: answer.result.variant,
        });
      }
      for (const id of NEVER) {
        expect(answers.get(id)!.experiment).toMatchObject({ variant: null, assignedAt: null });
      }
    });
  });

  it('says when the experiment that ran was deleted with its config and cannot be replayed', async () => {
    const config = await createConfig(app, { value: 'grey' });
    const experimentKey = await createExperiment(config.key, {});
    await move('startExperiment', experimentKey);
    const moment = await record(config.key, SUBJECTS.slice(0, 3));
    await move('completeExperiment', experimentKey, { promoteWinner: false });
    for (const name of ['archiveConfig', 'deleteConfig']) {
      data(
        await app.gql(
          `mutation ($input: ${name[0].toUpperCase()}${name.slice(1)}Input!) {
            ${name}(input: $input) { __typename } }`,
          { input: { environment: 'development', key: config.key } },
        ),
      );
    }
    for (const id of moment.live.keys()) {
      const answer = await served(config.key, id, moment.at);
      expect(answer).toMatchObject({
        result: { value: 'grey', reason: 'FALLTHROUGH' },
        experiment: { id: null, key: experimentKey, variant: null, replayable: false },
      });
      expect(answer.explain[0]).toMatchObject({ kind: 'EXPERIMENT', reached: false });
    }
  });

  it('names the entries it used: the deployment step and the experiment start are in the history', async () => {
    const config = await createConfig(app, { value: 'stable' });
    const started = data(await startDeployment(app, deploymentInput(config)));
    const moment = await record(config.key, SUBJECTS.slice(0, 1));
    const [answer] = (await replay(config.key, moment)).values();
    const history = await historyOf(config.key);
    expect(history.map((e) => e.action)).toEqual(['CREATE', 'DEPLOYMENT_STARTED']);
    expect(answer.deployment).toMatchObject({
      deploymentId: started.startDeployment.deployment.id,
      change: { id: history[1].id },
    });
    expect(answer.change!.id).toBe(history[0].id);
  });
});
