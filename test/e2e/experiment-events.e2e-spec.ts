import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/core/queue/job-queue';
import { EvaluationResult } from '../../src/engine/evaluation/result';
import { ExperimentCounts } from '../../src/modules/experiments/events/experiment-counts';
import { ExposureRecorder } from '../../src/modules/experiments/events/exposure-recorder';
import { registerExposureSource } from '../../src/engine/evaluation/exposure-sources';
import { AggregateExperimentEventsJob } from '../../src/modules/experiments/events/jobs/aggregate-experiment-events.job';
import { PruneExperimentEventsJob } from '../../src/modules/experiments/events/jobs/prune-experiment-events.job';
import { UsageChannel } from '../../src/modules/usage/usage-metric.util';
import { UsageRecorder } from '../../src/modules/usage/usage-recorder';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig, uniqueKey } from '../factories/config.factory';
import { errorCode, eventually, hasPostgres, startTestApp, TestApp } from '../support/test-app';

const TRACK = `mutation ($input: TrackEventsInput!) {
  trackEvents(input: $input) { accepted duplicates rejected { index id errorCode } } }`;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface Window {
  start: string;
  end: string | null;
}

/** A real experiment (variants a and b) on the config, started through the change path. */
async function startExperiment(app: TestApp, configKey: string): Promise<string> {
  const key = uniqueKey('exp');
  const created = await app.gql<{ createExperiment: { experiment: { id: string } } }>(
    `mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { id } } }`,
    {
      input: {
        environment: 'development',
        configKey,
        key,
        name: `Experiment ${key}`,
        variants: [
          { key: 'a', name: 'A', value: 'a', weight: 50, control: true },
          { key: 'b', name: 'B', value: 'b', weight: 50 },
        ],
        primaryMetric: { event: 'purchase', kind: 'CONVERSION' },
      },
    },
  );
  const started = await app.gql(
    `mutation ($input: StartExperimentInput!) { startExperiment(input: $input) { experiment { status } } }`,
    { input: { environment: 'development', key } },
  );
  expect(started.errors).toBeUndefined();
  return created.data!.createExperiment.experiment.id;
}

it('records exposures served over OFREP and GraphQL with USAGE_METRICS=off, and counts no usage', async () => {
  const app = await startTestApp({ env: { USAGE_METRICS: 'off', USAGE_FLUSH_MS: '600000' } });
  try {
    const db = app.running.app.get(DataSource);
    const token = (await createApiKey(app, { roles: ['SDK'], environment: 'development' })).token;
    const config = await createConfig(app);
    const id = await startExperiment(app, config.key);
    const ofrep = async (user: string) => {
      const response = await fetch(`${app.baseUrl}/ofrep/v1/evaluate/flags`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ context: { targetingKey: user } }),
      });
      const { flags } = (await response.json()) as {
        flags: { key: string; reason: string; variant: string }[];
      };
      // OFREP calls an experiment's variant a SPLIT.
      const flag = flags.find((f) => f.key === config.key)!;
      return { experiment: flag.reason === 'SPLIT' && flag.variant !== undefined, ...flag };
    };
    const graphql = async (user: string) => {
      const response = await app.gql<{ evaluate: { reason: string; variant: string }[] }>(
        `query ($context: JSON!, $keys: [String!]) {
          evaluate(environment: "development", context: $context, keys: $keys) { reason variant } }`,
        { context: { user: { id: user } }, keys: [config.key] },
        token,
      );
      const result = response.data!.evaluate[0];
      return { experiment: result.reason === 'EXPERIMENT', ...result };
    };
    await eventually(async () => (await ofrep('probe')).experiment, {
      what: 'the experiment served',
    });
    const served = new Map<string, string>([['probe', (await ofrep('probe')).variant]]);
    for (let i = 0; i < 20; i += 1) {
      const [user, result] =
        i % 2 === 0
          ? [`ofrep-${i}`, await ofrep(`ofrep-${i}`)]
          : [`gql-${i}`, await graphql(`gql-${i}`)];
      expect(result.experiment).toBe(true);
      served.set(user, result.variant);
    }
    await app.running.app.get(UsageRecorder).flush();
    const rows: { subject: string; variant_key: string }[] = await db.query(
      'SELECT subject, variant_key FROM experiment_exposure WHERE experiment_id = $1',
      [id],
    );
    expect(new Map(rows.map((r) => [r.subject, r.variant_key]))).toEqual(served);
    expect(await db.query('SELECT count(*)::int AS n FROM config_usage_metric')).toEqual([
      { n: 0 },
    ]);
  } finally {
    await app.close();
  }
}, 180_000);

describe('experiment exposures and events', () => {
  let app: TestApp;
  let db: DataSource;
  let sdkToken: string;
  let environmentId: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { USAGE_FLUSH_MS: '600000' } });
    db = app.running.app.get(DataSource);
    sdkToken = (await createApiKey(app, { roles: ['SDK'], environment: 'development' })).token;
    [{ id: environmentId }] = await db.query(
      `SELECT id FROM environment WHERE key = 'development'`,
    );
  });

  afterAll(async () => {
    await app.close();
  });

  /** A stored experiment with variants a (control) and b, running in `windows`. */
  async function experiment(windows: Window[]): Promise<{ id: string; key: string }> {
    const config = await createConfig(app);
    const key = uniqueKey('exp');
    const [{ id }] = await db.query(
      `INSERT INTO experiment (environment_id, config_id, config_key, key, name, variants, traffic_percentage,
         assignment, primary_metric, status, run_windows, updated_by)
       VALUES ($1, $2, $3, $4, $4, $5, 100, 'consistent', $6, $7, $8, 'test') RETURNING id`,
      [
        environmentId,
        config.id,
        config.key,
        key,
        JSON.stringify([
          { key: 'a', name: 'A', value: 'on', weight: 50, control: true },
          { key: 'b', name: 'B', value: 'off', weight: 50, control: false },
        ]),
        JSON.stringify({ eventName: 'purchase', type: 'numeric' }),
        windows.some((w) => w.end === null) ? 'running' : 'paused',
        JSON.stringify(windows),
      ],
    );
    return { id, key };
  }

  /** A result as the engine shares it for a variant, registered like the engine does. */
  function variantResult(experimentId: string, variantKey: string): EvaluationResult {
    const result: EvaluationResult = {
      key: 'any',
      value: variantKey,
      reason: 'EXPERIMENT',
      version: 1,
      variant: variantKey,
    };
    registerExposureSource(result, {
      experimentId,
      variantKey,
      subject: (context) => (context as { user?: { id?: string } }).user?.id,
    });
    return result;
  }

  /** Serves `result` to each user through the usage recorder at `at`, then flushes. */
  async function expose(result: EvaluationResult, users: string[], at: number) {
    const usage = app.running.app.get(UsageRecorder);
    const recorder = app.running.app.get(ExposureRecorder);
    recorder.now = () => at;
    for (const id of users) {
      usage.record(environmentId, UsageChannel.GraphQL, [result], { user: { id } });
    }
    await usage.flush();
    recorder.now = Date.now;
  }

  const track = (events: unknown[], token = sdkToken) =>
    app.gql<{
      trackEvents: {
        accepted: number;
        duplicates: number;
        rejected: { index: number; id: string; errorCode: string }[];
      };
    }>(TRACK, { input: { events } }, token);

  const event = (overrides: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    eventName: 'purchase',
    subject: 'u1',
    occurredAt: new Date(Date.now() - MINUTE).toISOString(),
    ...overrides,
  });

  async function aggregate(now: number) {
    const queue = app.running.app.get(JobQueue);
    await queue.add(AggregateExperimentEventsJob, { now });
    await queue.drain();
  }
  const counts = (id: string) => app.running.app.get(ExperimentCounts).forExperiment(id);

  it('stores an event once per id, over GraphQL and POST /v1/events', async () => {
    const { key } = await experiment([{ start: new Date(0).toISOString(), end: null }]);
    const first = event({ experimentKey: key });
    const second = event();
    const response = await track([first, second, first]);
    expect(response.data?.trackEvents).toEqual({ accepted: 2, duplicates: 1, rejected: [] });
    const again = await fetch(`${app.baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sdkToken}` },
      body: JSON.stringify({ events: [first, event()] }),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM experiment_event WHERE event_id = ANY($1)`,
      [[first.id, second.id]],
    );
    expect(n).toBe(2);
  });

  it('rejects future, expired and unknown-experiment events alone, and refuses malformed batches whole', async () => {
    const future = event({ occurredAt: new Date(Date.now() + 10 * MINUTE).toISOString() });
    const unknown = event({ experimentKey: 'no.such.experiment' });
    const fine = event();
    // Older than EXPERIMENT_EVENT_RETENTION_DAYS (30): its first copy may have been pruned.
    const expired = event({ occurredAt: new Date(Date.now() - 31 * DAY).toISOString() });
    const response = await track([future, unknown, fine, expired]);
    expect(response.data?.trackEvents).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [
        { index: 0, id: future.id, errorCode: 'FUTURE_TIMESTAMP' },
        { index: 1, id: unknown.id, errorCode: 'EXPERIMENT_NOT_FOUND' },
        { index: 3, id: expired.id, errorCode: 'EXPIRED' },
      ],
    });

    const tooLong = event({ eventName: 'x'.repeat(129) });
    const long = await track([event(), tooLong]);
    expect(errorCode(long)).toBe('BAD_USER_INPUT');
    expect(long.errors?.[0].message).toContain('input.events[1].eventName');
    const notFinite = await fetch(`${app.baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sdkToken}` },
      body: JSON.stringify({ events: [{ ...event(), value: 'NaN' }] }),
    });
    expect(notFinite.status).toBe(400);
    expect(
      ((await notFinite.json()) as { validationErrors: { path: string }[] }).validationErrors[0]
        .path,
    ).toBe('events[0].value');

    // Read as GraphQL's DateTime reads them: no day that is not on the calendar, no zone-less time.
    for (const occurredAt of ['2024-02-30T10:00:00Z', '2024-01-01T10:00', '0000-01-01T00:00:00Z']) {
      const refused = await fetch(`${app.baseUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${sdkToken}` },
        body: JSON.stringify({ events: [{ ...event(), occurredAt }] }),
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        validationErrors: [{ path: 'events[0].occurredAt' }],
      });
    }

    const many = await track(Array.from({ length: 1001 }, () => event()));
    expect(errorCode(many)).toBe('BAD_USER_INPUT');
    expect(many.errors?.[0].message).toContain('input.events');
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM experiment_event WHERE event_id = $1`,
      [tooLong.id],
    );
    expect(n).toBe(0);
  });

  it('writes an exposure once when two processes serve the same subjects', async () => {
    // A real experiment, started through the change path; each process evaluates through
    // GraphQL `evaluate` and records exposures at its usage flush.
    const config = await createConfig(app);
    const id = await startExperiment(app, config.key);
    const evaluate = async (on: TestApp, user: string) => {
      const response = await on.gql<{ evaluate: { reason: string; variant: string | null }[] }>(
        `query ($context: JSON!, $keys: [String!]) {
          evaluate(environment: "development", context: $context, keys: $keys) { reason variant } }`,
        { context: { user: { id: user } }, keys: [config.key] },
        sdkToken,
      );
      return response.data!.evaluate[0];
    };
    const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    await eventually(async () => (await evaluate(app, users[0])).reason === 'EXPERIMENT', {
      what: 'the experiment served',
    });
    // Embedded, one process: it serves the subjects twice, flushing in between, so the
    // second flush meets the stored exposures.
    const other = hasPostgres ? await startTestApp({ shareWith: app }) : app;
    try {
      const served = new Map<string, string | null>();
      const serveAll = async (on: TestApp) => {
        for (const user of users) {
          const result = await evaluate(on, user);
          expect(result.reason).toBe('EXPERIMENT');
          if (served.has(user)) expect(result.variant).toBe(served.get(user));
          served.set(user, result.variant);
        }
      };
      const flush = (on: TestApp) => on.running.app.get(UsageRecorder).flush();
      if (other === app) {
        await serveAll(app);
        await flush(app);
        await serveAll(app);
        await flush(app);
      } else {
        await Promise.all([serveAll(app), serveAll(other)]);
        await Promise.all([flush(app), flush(other)]);
      }
      const rows: { subject: string; variant_key: string }[] = await db.query(
        'SELECT subject, variant_key FROM experiment_exposure WHERE experiment_id = $1',
        [id],
      );
      expect(rows).toHaveLength(200);
      expect(new Map(rows.map((r) => [r.subject, r.variant_key]))).toEqual(served);
      const perVariant = (variant: string) =>
        [...served.values()].filter((v) => v === variant).length;
      expect((await counts(id)).map((v) => [v.variantKey, v.exposures])).toEqual([
        ['a', perVariant('a')],
        ['b', perVariant('b')],
      ]);
    } finally {
      if (other !== app) await other.close();
    }
  });

  it('aggregates events after the exposure and inside running windows, per subject', async () => {
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE).toISOString();
    // Ran from 60 to 30 minutes ago, paused, and runs again since 20 minutes ago.
    const { id, key } = await experiment([
      { start: at(60), end: at(30) },
      { start: at(20), end: null },
    ]);
    await expose(variantResult(id, 'a'), ['a1', 'a2', 'a3'], now - 50 * MINUTE);
    await expose(variantResult(id, 'b'), ['b1', 'b2'], now - 50 * MINUTE);
    const sent = [
      // Counted: after the exposure, inside a window.
      { subject: 'a1', value: 10, minutesAgo: 45 },
      { subject: 'a1', value: 5, minutesAgo: 10 },
      { subject: 'a2', value: 3, minutesAgo: 40 },
      { subject: 'b1', value: 7, minutesAgo: 15 },
      { subject: 'b1', minutesAgo: 5 },
      // Not counted: before the exposure, while paused, never exposed.
      { subject: 'a3', value: 100, minutesAgo: 55 },
      { subject: 'b2', value: 100, minutesAgo: 25 },
      { subject: 'c1', value: 100, minutesAgo: 10 },
    ];
    const response = await track(
      sent.map((s) =>
        event({
          experimentKey: key,
          subject: s.subject,
          value: s.value,
          occurredAt: at(s.minutesAgo),
        }),
      ),
    );
    expect(response.data?.trackEvents.accepted).toBe(sent.length);
    await aggregate(Date.now() + 10 * MINUTE);

    // Direct computation over the counted events: per-subject totals a1 = 15, a2 = 3, b1 = 7.
    expect(await counts(id)).toEqual([
      {
        variantKey: 'a',
        exposures: 3,
        metrics: { purchase: { converters: 2, sum: 18, sumOfSquares: 15 ** 2 + 3 ** 2 } },
      },
      {
        variantKey: 'b',
        exposures: 2,
        metrics: { purchase: { converters: 1, sum: 7, sumOfSquares: 49 } },
      },
    ]);

    // Folded incrementally: a later event of a1 moves its total from 15 to 17.
    await track([event({ experimentKey: key, subject: 'a1', value: 2, occurredAt: at(1) })]);
    await aggregate(Date.now() + 10 * MINUTE);
    await aggregate(Date.now() + 10 * MINUTE); // nothing new: changes nothing
    const [a] = await counts(id);
    expect(a.metrics.purchase).toEqual({
      converters: 2,
      sum: 20,
      sumOfSquares: 17 ** 2 + 3 ** 2,
    });
  });

  it('counts an event that arrives before its exposure is flushed, within the grace window', async () => {
    const now = Date.now();
    const { id, key } = await experiment([
      { start: new Date(now - 60 * MINUTE).toISOString(), end: null },
    ]);
    // The event arrives; its subject's exposure (a minute earlier) is still held in memory.
    const recorder = app.running.app.get(ExposureRecorder);
    recorder.now = () => now - 2 * MINUTE;
    recorder.add(environmentId, variantResult(id, 'b'), { user: { id: 'late' } });
    recorder.now = Date.now;
    await track([
      event({
        experimentKey: key,
        subject: 'late',
        occurredAt: new Date(now - MINUTE).toISOString(),
      }),
    ]);
    // Inside the grace window the job leaves it for later...
    await aggregate(Date.now());
    expect((await counts(id)).flatMap((v) => Object.keys(v.metrics))).toEqual([]);
    // ...by when the exposure is stored, and it counts.
    await recorder.flush();
    await aggregate(Date.now() + 10 * MINUTE);
    const [b] = await counts(id);
    expect(b).toEqual({
      variantKey: 'b',
      exposures: 1,
      metrics: { purchase: { converters: 1, sum: 0, sumOfSquares: 0 } },
    });
  });

  it('folds in several runs to what a direct computation over the raw events gives, with duplicates and late events', async () => {
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE).toISOString();
    const windows = [
      { start: at(100), end: at(70) },
      { start: at(50), end: null },
    ];
    const { id, key } = await experiment(windows);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const subjects = Array.from({ length: 30 }, (_, i) => `s${i}`);
    const exposedAt = new Map<string, number>();
    const variantOf = new Map<string, string>();
    for (const subject of subjects.slice(0, 24)) {
      const variant = random() < 0.5 ? 'a' : 'b';
      const minutesAgo = 60 + Math.floor(random() * 40);
      exposedAt.set(subject, now - minutesAgo * MINUTE);
      variantOf.set(subject, variant);
      await expose(variantResult(id, variant), [subject], now - minutesAgo * MINUTE);
    }
    const events = Array.from({ length: 240 }, () => ({
      subject: subjects[Math.floor(random() * subjects.length)],
      eventName: random() < 0.5 ? 'purchase' : 'click',
      value: random() < 0.8 ? Math.round(random() * 1000) / 10 : undefined,
      occurredAt: now - Math.floor(random() * 110) * MINUTE,
    }));
    const ids = events.map(() => randomUUID());
    // Sent in three batches, each folded before the next arrives.
    for (let part = 0; part < 3; part++) {
      const batch = events.slice(part * 80, part * 80 + 80);
      await track(
        batch.map((e, i) =>
          event({
            ...e,
            id: ids[part * 80 + i],
            experimentKey: key,
            occurredAt: new Date(e.occurredAt).toISOString(),
          }),
        ),
      );
      await aggregate(Date.now() + 10 * MINUTE);
    }
    // Duplicates: the first batch sent again is stored once and adds nothing.
    const resent = await track(
      events.slice(0, 80).map((e, i) =>
        event({
          ...e,
          id: ids[i],
          experimentKey: key,
          occurredAt: new Date(e.occurredAt).toISOString(),
        }),
      ),
    );
    expect(resent.data!.trackEvents).toMatchObject({ accepted: 0, duplicates: 80 });
    // A late subject: its events arrive while its exposure is still held; a run inside the
    // grace window leaves them, the next one after the flush counts them.
    const recorder = app.running.app.get(ExposureRecorder);
    const lateVariant = 'b';
    recorder.now = () => now - 5 * MINUTE;
    recorder.add(environmentId, variantResult(id, lateVariant), { user: { id: 'late' } });
    recorder.now = Date.now;
    exposedAt.set('late', now - 5 * MINUTE);
    variantOf.set('late', lateVariant);
    const lateEvents = [3, 4.5].map((value) => ({
      subject: 'late',
      eventName: 'purchase',
      value,
      occurredAt: now - 2 * MINUTE,
    }));
    events.push(...lateEvents);
    await track(
      lateEvents.map((e) =>
        event({ ...e, experimentKey: key, occurredAt: new Date(e.occurredAt).toISOString() }),
      ),
    );
    await aggregate(Date.now());
    await recorder.flush();
    await aggregate(Date.now() + 10 * MINUTE);

    const inWindow = (t: number) =>
      windows.some((w) => t >= Date.parse(w.start) && (w.end === null || t < Date.parse(w.end)));
    const totals = new Map<string, number>();
    for (const e of events) {
      const exposed = exposedAt.get(e.subject);
      if (exposed === undefined || e.occurredAt < exposed || !inWindow(e.occurredAt)) continue;
      const k = `${variantOf.get(e.subject)}|${e.eventName}|${e.subject}`;
      totals.set(k, (totals.get(k) ?? 0) + (e.value ?? 0));
    }
    const expected: Record<
      string,
      Record<string, { converters: number; sum: number; sumOfSquares: number }>
    > = {};
    for (const [k, total] of totals) {
      const [variant, eventName] = k.split('|');
      expected[variant] ??= {};
      const m = (expected[variant][eventName] ??= { converters: 0, sum: 0, sumOfSquares: 0 });
      m.converters += 1;
      m.sum += total;
      m.sumOfSquares += total * total;
    }
    const stored = await counts(id);
    expect(stored.map((v) => v.variantKey)).toEqual(['a', 'b']);
    for (const variant of stored) {
      expect(variant.exposures).toBe(
        [...variantOf.values()].filter((v) => v === variant.variantKey).length,
      );
      expect(Object.keys(variant.metrics).sort()).toEqual(
        Object.keys(expected[variant.variantKey]).sort(),
      );
      for (const [name, metric] of Object.entries(variant.metrics)) {
        const want = expected[variant.variantKey][name];
        expect(metric.converters).toBe(want.converters);
        expect(metric.sum).toBeCloseTo(want.sum, 6);
        expect(metric.sumOfSquares).toBeCloseTo(want.sumOfSquares, 4);
      }
    }
  });

  it('prunes raw events folded and older than the retention, in batches, leaving results unchanged', async () => {
    const now = Date.now();
    const { id, key } = await experiment([
      { start: new Date(now - 40 * DAY).toISOString(), end: null },
    ]);
    await expose(variantResult(id, 'a'), ['p1', 'p2'], now - 35 * DAY);
    await expose(variantResult(id, 'b'), ['p3'], now - 35 * DAY);
    const old = ['p1', 'p1', 'p2', 'p3', 'p3'].map((subject, i) =>
      event({
        experimentKey: key,
        subject,
        value: i + 1,
        occurredAt: new Date(now - 20 * DAY).toISOString(),
      }),
    );
    const recent = event({ experimentKey: key, subject: 'p2', value: 10 });
    expect((await track([...old, recent])).data?.trackEvents.accepted).toBe(6);
    await aggregate(Date.now() + 10 * MINUTE);
    // Arrives after the fold: as old, but not yet folded.
    const unfolded = event({
      experimentKey: key,
      subject: 'p1',
      value: 100,
      occurredAt: new Date(now - 20 * DAY).toISOString(),
    });
    expect((await track([unfolded])).data?.trackEvents.accepted).toBe(1);
    const before = await counts(id);

    // 15 days on, the 20-day-old events are past the 30-day retention.
    const queue = app.running.app.get(JobQueue);
    await queue.add(PruneExperimentEventsJob, { now: now + 15 * DAY, batchSize: 2 });
    await queue.drain();

    const kept: { event_id: string }[] = await db.query(
      `SELECT event_id FROM experiment_event WHERE event_id = ANY($1) ORDER BY seq`,
      [[...old, recent, unfolded].map((e) => e.id)],
    );
    expect(kept.map((r) => r.event_id)).toEqual([recent.id, unfolded.id]);
    expect(await counts(id)).toEqual(before);

    // The unfolded one is folded later as usual, and pruned once folded.
    await aggregate(Date.now() + 10 * MINUTE);
    const [a] = await counts(id);
    expect(a.metrics.purchase.sum).toBe(before[0].metrics.purchase.sum + 100);
    await queue.add(PruneExperimentEventsJob, { now: now + 15 * DAY });
    await queue.drain();
    const left: { event_id: string }[] = await db.query(
      `SELECT event_id FROM experiment_event WHERE event_id = ANY($1)`,
      [[unfolded.id]],
    );
    expect(left).toEqual([]);
  });
});
