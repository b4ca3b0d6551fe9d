import { randomUUID } from 'node:crypto';
import { Actor } from '../../src/core/auth/actor';
import { Role } from '../../src/core/auth/role';
import { JobQueue } from '../../src/core/queue/job-queue';
import { ExperimentCounts } from '../../src/modules/experiments/events/experiment-counts';
import { ExposureRecorder } from '../../src/modules/experiments/events/exposure-recorder';
import { AggregateExperimentEventsJob } from '../../src/modules/experiments/events/jobs/aggregate-experiment-events.job';
import { ExperimentsService } from '../../src/modules/experiments/experiments.service';
import { ExperimentResultsService } from '../../src/modules/experiments/results/experiment-results.service';
import { UsageRecorder } from '../../src/modules/usage/usage-recorder';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig, uniqueKey } from '../factories/config.factory';
import { errorCode, eventually, startTestApp, TestApp } from '../support/test-app';
import { subscribe, wsClient } from '../support/ws-client';

const EVALUATE = `query ($context: JSON!, $keys: [String!]) {
  evaluate(environment: "development", context: $context, keys: $keys) { key value reason variant } }`;
const RESULTS = `query ($key: String!) {
  experimentResults(environment: "development", key: $key) {
    experimentKey sequential tuning totalExposures trustworthy
    sampleRatio { statistic degreesOfFreedom pValue mismatch expected { variantKey exposures } }
    warnings { code variantKey metric }
    metrics { name kind role chiSquare { statistic degreesOfFreedom pValue }
      variants { variantKey control exposures converters conversionRate conversionInterval { lower upper }
        n mean variance
        comparison { test absoluteLift absoluteInterval { lower upper } relativeLift pValue adjustedPValue
          decisionPValue significant sequential { pValue adjustedPValue absoluteInterval { lower upper } } } } } } }`;
const TRACK = `mutation ($input: TrackEventsInput!) { trackEvents(input: $input) { accepted rejected { index } } }`;
const move = (name: string, input: string, extra = '') =>
  `mutation ($input: ${input}!) { ${name}(input: $input) { experiment { status winner } ${extra} } }`;
const CHANGES = `query ($filter: ConfigChangeFilter) {
  configChanges(environment: "development", filter: $filter) { edges { node { action configVersion after } } } }`;

interface Served {
  key: string;
  value: unknown;
  reason: string;
  variant: string | null;
}

interface VariantResult {
  variantKey: string;
  control: boolean;
  exposures: number;
  converters: number | null;
  n: number | null;
  mean: number | null;
  comparison: { pValue: number | null; sequential: { pValue: number | null } } | null;
  [field: string]: unknown;
}

interface Results {
  experimentKey: string;
  sequential: boolean;
  totalExposures: number;
  trustworthy: boolean;
  sampleRatio: { pValue: number | null; mismatch: boolean };
  metrics: {
    name: string;
    kind: string;
    role: string;
    chiSquare: { pValue: number | null } | null;
    variants: VariantResult[];
  }[];
}

describe('experiment results, from creation to the promoted winner', () => {
  let app: TestApp;
  let sdkToken: string;

  beforeAll(async () => {
    // Exposures are flushed by the test (flush()); events are folded as soon as they arrive.
    app = await startTestApp({
      env: { USAGE_FLUSH_MS: '600000', EXPERIMENT_EVENTS_GRACE_MS: '0' },
    });
    sdkToken = (await createApiKey(app, { roles: ['SDK'], environment: 'development' })).token;
  });

  afterAll(async () => {
    await app.close();
  });

  const evaluate = async (key: string, user: string): Promise<Served> => {
    const response = await app.gql<{ evaluate: Served[] }>(
      EVALUATE,
      { context: { user: { id: user } }, keys: [key] },
      sdkToken,
    );
    if (!response.data) throw new Error(JSON.stringify(response.errors));
    return response.data.evaluate[0];
  };

  /** Folds the events received before `now` (by default, every event received so far). */
  async function aggregate(now = Date.now() + 1000) {
    const queue = app.running.app.get(JobQueue);
    await queue.add(AggregateExperimentEventsJob, { now });
    await queue.drain();
  }

  /** A config with a running experiment: control serves 'blue', treatment 'green'. */
  async function startedExperiment(secondaryMetrics: unknown[] = []) {
    const config = await createConfig(app);
    const key = uniqueKey('exp');
    const created = await app.gql(
      `mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { key } } }`,
      {
        input: {
          environment: 'development',
          configKey: config.key,
          key,
          name: 'Checkout colour',
          variants: [
            { key: 'control', name: 'Control', value: 'blue', weight: 50, control: true },
            { key: 'treatment', name: 'Treatment', value: 'green', weight: 50 },
          ],
          primaryMetric: { event: 'purchase', kind: 'CONVERSION' },
          secondaryMetrics,
        },
      },
    );
    expect(created.errors).toBeUndefined();
    const started = await app.gql(move('startExperiment', 'StartExperimentInput'), {
      input: { environment: 'development', key },
    });
    expect(started.errors).toBeUndefined();

    return { config, key };
  }

  it('counts what was served and tracked per variant, and promotes the winner', async () => {
    const { config, key } = await startedExperiment([{ event: 'revenue', kind: 'NUMERIC' }]);

    const users = Array.from({ length: 120 }, (_, i) => `user-${i}`);
    // The snapshot attaches the running experiment once the start's change reaches it.
    await eventually(async () => (await evaluate(config.key, users[0])).reason === 'EXPERIMENT', {
      what: 'the experiment served',
    });
    const served = new Map<string, string>();
    for (const user of users) {
      const result = await evaluate(config.key, user);
      expect(result.reason).toBe('EXPERIMENT');
      expect(result.value).toBe(result.variant === 'control' ? 'blue' : 'green');
      served.set(user, result.variant!);
    }
    await app.running.app.get(UsageRecorder).flush();

    // Every third subject buys; every fifth spends its index (twice: 2 × i in total).
    const occurredAt = new Date().toISOString();
    const events = users.flatMap((user, i) => [
      ...(i % 3 === 0
        ? [{ id: randomUUID(), eventName: 'purchase', subject: user, occurredAt }]
        : []),
      ...(i % 5 === 0
        ? [1, 2].map(() => ({
            id: randomUUID(),
            eventName: 'revenue',
            subject: user,
            value: i,
            occurredAt,
          }))
        : []),
    ]);
    // A subject never exposed does not count.
    events.push({ id: randomUUID(), eventName: 'purchase', subject: 'stranger', occurredAt });
    const tracked = await app.gql<{ trackEvents: { accepted: number; rejected: unknown[] } }>(
      TRACK,
      { input: { events } },
      sdkToken,
    );
    expect(tracked.data!.trackEvents).toEqual({ accepted: events.length, rejected: [] });
    await aggregate();

    const response = await app.gql<{ experimentResults: Results }>(RESULTS, { key });
    expect(response.errors).toBeUndefined();
    const results = response.data!.experimentResults;
    const expected = (variant: string) => {
      const indexes = users
        .map((u, i) => [u, i] as const)
        .filter(([u]) => served.get(u) === variant);
      const revenue = indexes.filter(([, i]) => i % 5 === 0).map(([, i]) => 2 * i);
      return {
        exposures: indexes.length,
        converters: indexes.filter(([, i]) => i % 3 === 0).length,
        mean: revenue.reduce((a, b) => a + b, 0) / indexes.length,
      };
    };
    const control = expected('control');
    const treatment = expected('treatment');
    expect(control.exposures).toBeGreaterThan(20);
    expect(treatment.exposures).toBeGreaterThan(20);
    expect(results).toMatchObject({
      experimentKey: key,
      sequential: false,
      totalExposures: users.length,
      trustworthy: true,
      sampleRatio: { mismatch: false, pValue: expect.any(Number) },
    });
    const [purchase, revenue] = results.metrics;
    expect(purchase).toMatchObject({ name: 'purchase', kind: 'CONVERSION', role: 'PRIMARY' });
    expect(purchase.chiSquare!.pValue).toEqual(expect.any(Number));
    expect(purchase.variants.map((v) => [v.variantKey, v.exposures, v.converters])).toEqual([
      ['control', control.exposures, control.converters],
      ['treatment', treatment.exposures, treatment.converters],
    ]);
    expect(purchase.variants[0].comparison).toBeNull();
    expect(purchase.variants[1].comparison).toMatchObject({
      pValue: expect.any(Number),
      sequential: { pValue: expect.any(Number) },
    });
    expect(revenue).toMatchObject({ name: 'revenue', kind: 'NUMERIC', role: 'SECONDARY' });
    // Averaged over every exposed subject, those without a revenue event counting 0.
    expect(revenue.variants.map((v) => [v.variantKey, v.n])).toEqual([
      ['control', control.exposures],
      ['treatment', treatment.exposures],
    ]);
    expect(revenue.variants[0].mean).toBeCloseTo(control.mean, 9);
    expect(revenue.variants[1].mean).toBeCloseTo(treatment.mean, 9);
    expect(revenue.variants[1].comparison!.pValue).toEqual(expect.any(Number));

    const completed = await app.gql<{ completeExperiment: { configVersion: number } }>(
      move('completeExperiment', 'CompleteExperimentInput', 'configVersion'),
      { input: { environment: 'development', key, winner: 'treatment', promoteWinner: true } },
    );
    expect(completed.errors).toBeUndefined();
    expect(completed.data!.completeExperiment).toMatchObject({
      experiment: { status: 'COMPLETED', winner: 'treatment' },
      configVersion: 2,
    });
    const after = await eventually(
      async () => {
        const result = await evaluate(config.key, users[1]);
        return result.reason !== 'EXPERIMENT' && result;
      },
      { what: 'the experiment gone from the snapshot' },
    );
    expect(after).toMatchObject({ value: 'green', variant: null });
    const changes = await app.gql<{
      configChanges: {
        edges: { node: { action: string; configVersion: number; after: unknown } }[];
      };
    }>(CHANGES, { filter: { configKey: config.key } });
    const latest = changes.data!.configChanges.edges.map((e) => e.node);
    expect(latest.find((c) => c.configVersion === 2)).toMatchObject({
      action: 'UPDATE',
      after: expect.objectContaining({ value: 'green' }),
    });
  });

  it('charts the results day by day from the daily aggregates: cumulative counts and the sequential p-value', async () => {
    const { config, key } = await startedExperiment();
    await eventually(
      async () => (await evaluate(config.key, 'day-probe')).reason === 'EXPERIMENT',
      {
        what: 'the experiment served',
      },
    );
    // Yesterday's exposures (the recorder's clock set back a day), then today's.
    const recorder = app.running.app.get(ExposureRecorder);
    const yesterday = Date.now() - 24 * 3600_000;
    const served = new Map<string, string>([
      ['day-probe', (await evaluate(config.key, 'day-probe')).variant!],
    ]);
    const expose = async (users: string[]) => {
      for (const user of users) served.set(user, (await evaluate(config.key, user)).variant!);
      await app.running.app.get(UsageRecorder).flush();
    };
    recorder.now = () => yesterday;
    try {
      await expose(Array.from({ length: 40 }, (_, i) => `early-${i}`));
    } finally {
      recorder.now = Date.now;
    }
    await expose(Array.from({ length: 60 }, (_, i) => `late-${i}`));
    const buyers = [...served.keys()].filter((_, i) => i % 4 === 0);
    const occurredAt = new Date().toISOString();
    await app.gql(
      TRACK,
      {
        input: {
          events: buyers.map((subject) => ({
            id: randomUUID(),
            eventName: 'purchase',
            subject,
            occurredAt,
          })),
        },
      },
      sdkToken,
    );
    await aggregate();

    type Point = {
      at: string;
      variants: {
        variantKey: string;
        exposures: number;
        converters: number | null;
        sequentialPValue: number | null;
      }[];
    };
    const response = await app.gql<{
      experimentResults: { metrics: (Results['metrics'][number] & { history: Point[] })[] };
    }>(
      `query ($key: String!) { experimentResults(environment: "development", key: $key) {
        metrics { name variants { variantKey exposures converters comparison { sequential { pValue } } }
          history { at variants { variantKey exposures converters sequentialPValue } } } } }`,
      { key },
    );
    expect(response.errors).toBeUndefined();
    const [purchase] = response.data!.experimentResults.metrics;
    const day = (ms: number) => `${new Date(ms).toISOString().slice(0, 10)}T00:00:00.000Z`;
    expect(purchase.history.map((p) => p.at)).toEqual([day(yesterday), day(Date.now())]);
    const count = (users: string[], variant: string) =>
      users.filter((u) => served.get(u) === variant).length;
    const early = [...served.keys()].filter((u) => u.startsWith('early-'));
    const all = [...served.keys()];
    const [first, last] = purchase.history;
    expect(first.variants.map((v) => [v.variantKey, v.exposures, v.converters])).toEqual([
      ['control', count(early, 'control'), 0],
      ['treatment', count(early, 'treatment'), 0],
    ]);
    // The last day's point is the results as they stand.
    expect(last.variants.map((v) => [v.variantKey, v.exposures, v.converters])).toEqual([
      ['control', count(all, 'control'), count(buyers, 'control')],
      ['treatment', count(all, 'treatment'), count(buyers, 'treatment')],
    ]);
    expect(last.variants.map((v) => v.sequentialPValue)).toEqual([
      null,
      purchase.variants[1].comparison!.sequential.pValue,
    ]);
    expect(last.variants[1].sequentialPValue).toEqual(expect.any(Number));
  });

  it('answers the results it keeps while the aggregates are unchanged, and the same as a computation afresh after late events, duplicates and new exposures', async () => {
    const { config, key } = await startedExperiment([{ event: 'revenue', kind: 'NUMERIC' }]);
    const roles = [Role.ADMIN];
    const actor: Actor = { kind: 'api_key', id: 'a', name: 'a', roles, environmentId: null };
    const kept = app.running.app.get(ExperimentResultsService);
    const counts = app.running.app.get(ExperimentCounts);
    const computed = jest.spyOn(counts, 'aggregatesFor');
    // A service of its own keeps nothing: each of its answers is computed afresh.
    const afresh = () =>
      new ExperimentResultsService(app.running.app.get(ExperimentsService), counts).results(
        actor,
        'development',
        key,
      );
    const served = () => kept.results(actor, 'development', key);
    const purchase = async () =>
      (await served()).metrics[0].variants.reduce((n, v) => n + v.converters!, 0);

    await eventually(async () => (await evaluate(config.key, 'kept-0')).reason === 'EXPERIMENT', {
      what: 'the experiment served',
    });
    const users = Array.from({ length: 30 }, (_, i) => `kept-${i}`);
    for (const user of users) await evaluate(config.key, user);
    await app.running.app.get(UsageRecorder).flush();
    const occurredAt = new Date().toISOString();
    const bought = users.filter((_, i) => i % 3 === 0);
    const events = bought.flatMap((subject, i) => [
      { id: randomUUID(), eventName: 'purchase', subject, occurredAt },
      { id: randomUUID(), eventName: 'revenue', subject, value: i + 0.1, occurredAt },
    ]);
    await app.gql(TRACK, { input: { events } }, sdkToken);
    await aggregate();

    const first = await served();
    expect(first).toEqual(await afresh());
    expect(first.totalExposures).toBe(users.length);
    expect(await purchase()).toBe(bought.length);
    // Nothing changed: the kept results, not computed again.
    const calls = computed.mock.calls.length;
    expect(await served()).toBe(first);
    expect(computed.mock.calls.length).toBe(calls);

    // A late subject: its event arrives while its exposure is still held, inside the grace
    // window (a run whose cutoff is before the event leaves it); the results stay as they were.
    expect((await evaluate(config.key, 'kept-late')).reason).toBe('EXPERIMENT');
    const late = {
      id: randomUUID(),
      eventName: 'purchase',
      subject: 'kept-late',
      occurredAt: new Date().toISOString(),
    };
    await app.gql(TRACK, { input: { events: [late] } }, sdkToken);
    await aggregate(Date.now() - 60_000);
    expect(await served()).toBe(first);
    // The exposure is written: new results, as a computation afresh gives them.
    await app.running.app.get(UsageRecorder).flush();
    const exposed = await served();
    expect(exposed).not.toBe(first);
    expect(exposed).toEqual(await afresh());
    expect(exposed.totalExposures).toBe(users.length + 1);
    expect(await purchase()).toBe(bought.length);
    // The grace window over, the late event counts.
    await aggregate();
    const folded = await served();
    expect(folded).toEqual(await afresh());
    expect(await purchase()).toBe(bought.length + 1);

    // Duplicates (events sent again) are stored once: nothing to compute again.
    const again = await app.gql<{ trackEvents: { accepted: number } }>(
      TRACK,
      { input: { events: [late, ...events] } },
      sdkToken,
    );
    expect(again.data!.trackEvents.accepted).toBe(0);
    await aggregate();
    expect(folded).toEqual(await afresh());
    const calledBefore = computed.mock.calls.length;
    expect(await served()).toBe(folded);
    expect(computed.mock.calls.length).toBe(calledBefore);

    // The GraphQL answer is the kept one.
    const response = await app.gql<{ experimentResults: Results }>(RESULTS, { key });
    expect(response.errors).toBeUndefined();
    expect(response.data!.experimentResults.totalExposures).toBe(users.length + 1);
    expect(computed.mock.calls.length).toBe(calledBefore);
    computed.mockRestore();
  });

  it('answers zeros and warnings for an experiment without data, NOT_FOUND for an unknown key, and viewers and up only', async () => {
    const config = await createConfig(app);
    const key = uniqueKey('exp');
    await app.gql(
      `mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { key } } }`,
      {
        input: {
          environment: 'development',
          configKey: config.key,
          key,
          name: 'Empty',
          variants: [
            { key: 'a', name: 'A', value: 'x', weight: 50, control: true },
            { key: 'b', name: 'B', value: 'y', weight: 50 },
          ],
          primaryMetric: { event: 'purchase', kind: 'CONVERSION' },
          sequential: true,
        },
      },
    );
    const empty = await app.gql<{
      experimentResults: Results & { warnings: { code: string; variantKey: string | null }[] };
    }>(RESULTS, { key });
    expect(empty.errors).toBeUndefined();
    const results = empty.data!.experimentResults;
    expect(results).toMatchObject({ sequential: true, totalExposures: 0 });
    expect(
      results.metrics[0].variants.map((v) => [v.variantKey, v.exposures, v.converters]),
    ).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
    expect(results.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'FEW_EXPOSURES', variantKey: 'a' }),
        expect.objectContaining({ code: 'FEW_EXPOSURES', variantKey: 'b' }),
      ]),
    );
    const unknown = await app.gql(RESULTS, { key: 'no-such-experiment' });
    expect(errorCode(unknown)).toBe('NOT_FOUND');

    // Viewer and up, in the key's environment (as the other experiment queries).
    const viewer = await createApiKey(app, { roles: ['VIEWER'], environment: 'development' });
    expect((await app.gql(RESULTS, { key }, viewer.token)).errors).toBeUndefined();
    const prodViewer = await createApiKey(app, { roles: ['VIEWER'], environment: 'production' });
    expect(errorCode(await app.gql(RESULTS, { key }, prodViewer.token))).toBe('FORBIDDEN');
    expect(errorCode(await app.gql(RESULTS, { key }, sdkToken))).toBe('FORBIDDEN');
  });

  it('previews a draft of a config with a running experiment as served: the variant, explained', async () => {
    const { config } = await startedExperiment();
    await eventually(async () => (await evaluate(config.key, 'probe')).reason === 'EXPERIMENT', {
      what: 'the experiment served',
    });
    const response = await app.gql<{
      previewEvaluation: {
        result: Served;
        explain: { kind: string; reached: boolean; detail: string | null }[];
      }[];
    }>(
      `query ($input: PreviewEvaluationInput!) {
        previewEvaluation(input: $input) {
          result { key value reason variant } explain { kind reached detail } } }`,
      {
        input: {
          config: { environment: 'development', key: config.key },
          contexts: [{ user: { id: 'u1' } }, { user: { id: 'u2' } }],
        },
      },
    );
    expect(response.errors).toBeUndefined();
    for (const [i, preview] of response.data!.previewEvaluation.entries()) {
      const served = await evaluate(config.key, `u${i + 1}`);
      expect(preview.result).toEqual({ ...served, key: config.key });
      expect(preview.result.reason).toBe('EXPERIMENT');
      expect(preview.explain[0]).toMatchObject({ kind: 'EXPERIMENT', reached: true });
      expect(preview.explain.map((s) => s.kind)).toContain('VARIANT');
    }
  });

  it('sends experimentUpdated subscribers the live exposure counts after each aggregation run', async () => {
    const { config, key } = await startedExperiment();
    const client = wsClient(app);
    try {
      type Update = {
        experimentKey: string;
        kind: string;
        status: string;
        exposures: { variantKey: string; exposures: number }[];
      };
      const updates = subscribe<Update>(
        client,
        `subscription ($keys: [String!]) {
          experimentUpdated(environment: "development", keys: $keys) {
            experimentKey kind status exposures { variantKey exposures } } }`,
        { keys: [key] },
      );
      const served = new Map<string, number>();
      await eventually(async () => (await evaluate(config.key, 'live-0')).reason === 'EXPERIMENT');
      for (let i = 0; i < 10; i += 1) {
        const { variant } = await evaluate(config.key, `live-${i}`);
        served.set(variant!, (served.get(variant!) ?? 0) + 1);
      }
      await app.running.app.get(UsageRecorder).flush();
      // The subscription is live once a run's counts reach it.
      const counts = await eventually(
        async () => {
          await aggregate();
          return updates.received.find((u) => u.kind === 'COUNTS');
        },
        { what: 'a COUNTS update' },
      );
      expect(counts).toMatchObject({ experimentKey: key, status: 'RUNNING' });
      expect(counts.exposures).toEqual(
        [...served.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([variantKey, exposures]) => ({ variantKey, exposures })),
      );
      updates.stop();
    } finally {
      await client.dispose();
    }
  });
});
