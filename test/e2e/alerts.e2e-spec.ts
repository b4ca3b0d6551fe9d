import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AlertEvaluationRepository } from '../../src/modules/alerts/alert-evaluation.repository';
import { AlertEvaluator } from '../../src/modules/alerts/alert-evaluator.service';
import {
  ALERT_FIELDS,
  alertEvents,
  alertInput,
  AlertView,
  createAlert,
  createAlertRequest,
  insertMinutes,
} from '../factories/alert.factory';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig } from '../factories/config.factory';
import { deploymentInput, startDeployment } from '../factories/deployment.factory';
import { SmtpSink } from '../support/smtp-sink';
import {
  errorCode,
  eventually,
  GraphQLResponse,
  hasPostgres,
  startTestApp,
  TestApp,
} from '../support/test-app';
import { verifyWebhook, WebhookReceiver } from '../support/webhook-receiver';
import { subscribe, wsClient } from '../support/ws-client';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WEEK = 7 * DAY;

const UPDATE = `mutation ($input: UpdateAlertInput!) { updateAlert(input: $input) { alert { ${ALERT_FIELDS} } } }`;
const DELETE = `mutation ($input: DeleteAlertInput!) { deleteAlert(input: $input) { id } }`;
const GET = `query ($id: ID!) { alert(id: $id) { ${ALERT_FIELDS} unresolvedEvent { id status } } }`;
const LIST = `query ($environment: String!, $key: String, $first: Int, $after: String) {
  alerts(environment: $environment, key: $key, first: $first, after: $after) {
    edges { node { id name } } pageInfo { hasNextPage endCursor } } }`;
const ACKNOWLEDGE = `mutation ($input: AcknowledgeAlertEventInput!) {
  acknowledgeAlertEvent(input: $input) { event { id status acknowledgedAt acknowledgedBy comment } } }`;
const CREATE_ENDPOINT = `mutation ($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret webhookEndpoint { id } } }`;
const CREATE_RECIPIENT = `mutation ($input: CreateEmailRecipientInput!) {
  createEmailRecipient(input: $input) { emailRecipient { id } } }`;

function data<T>(response: GraphQLResponse<T>): T {
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data;
}

function validationPaths(response: GraphQLResponse): string[] {
  const issues = (response.errors?.[0]?.extensions?.validationErrors ?? []) as { path: string }[];
  return issues.map((issue) => issue.path);
}

async function createEndpoint(
  app: TestApp,
  url: string,
  environment = 'development',
): Promise<{ id: string; secret: string }> {
  const created = data(
    await app.gql<{
      createWebhookEndpoint: { secret: string; webhookEndpoint: { id: string } };
    }>(CREATE_ENDPOINT, {
      input: { environment, url, eventTypes: ['ALERT_TRIGGERED'] },
    }),
  ).createWebhookEndpoint;
  return { id: created.webhookEndpoint.id, secret: created.secret };
}

async function createRecipient(
  app: TestApp,
  address: string,
  environment = 'development',
): Promise<string> {
  return data(
    await app.gql<{ createEmailRecipient: { emailRecipient: { id: string } } }>(CREATE_RECIPIENT, {
      input: { environment, address, eventTypes: ['ALERT_TRIGGERED'] },
    }),
  ).createEmailRecipient.emailRecipient.id;
}

/** A config with a rule on it notifying a new webhook endpoint and a new email recipient. */
async function ruleWithChannels(
  app: TestApp,
  receiver: WebhookReceiver,
  overrides: Record<string, unknown>,
) {
  const config = await createConfig(app);
  const endpoint = await createEndpoint(app, receiver.url);
  const address = `oncall-${randomUUID()}@example.com`;
  const recipient = await createRecipient(app, address);
  const rule = await createAlert(app, {
    key: config.key,
    webhookEndpointIds: [endpoint.id],
    emailRecipientIds: [recipient],
    ...overrides,
  });
  return { config, endpoint, address, rule };
}

describe('alerts', () => {
  jest.setTimeout(90_000);
  let app: TestApp;
  let db: DataSource;
  let evaluator: AlertEvaluator;
  let smtp: SmtpSink;
  let receiver: WebhookReceiver;
  /** A minute boundary a day ahead: evaluations "at" synthetic times never meet the real ones. */
  const BASE = Math.ceil((Date.now() + DAY) / MINUTE) * MINUTE;

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    receiver = await new WebhookReceiver().start();
    app = await startTestApp({
      env: {
        ALLOW_PRIVATE_WEBHOOKS: 'true',
        SMTP_URL: smtp.url,
        SMTP_FROM: 'Business Config <bc@example.com>',
        PUBLIC_URL: 'https://bc.example.com',
      },
    });
    db = app.running.app.get(DataSource);
    evaluator = app.running.app.get(AlertEvaluator);
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.stop();
    await smtp?.stop();
  });

  // Each test's rules alone are evaluated by the runs it makes.
  afterEach(async () => {
    await db.query('DELETE FROM config_alert');
  });

  describe('rules', () => {
    it('creates, reads, lists, updates and deletes a rule with its channels', async () => {
      const config = await createConfig(app);
      const endpoint = await createEndpoint(app, receiver.url);
      const recipient = await createRecipient(app, `ops-${randomUUID()}@example.com`);
      const created = await createAlert(app, {
        key: config.key,
        name: 'Checkout errors',
        minimumSample: 100,
        severity: 'CRITICAL',
        webhookEndpointIds: [endpoint.id],
        emailRecipientIds: [recipient],
        guardsDeployments: true,
      });
      expect(created).toMatchObject({
        configKey: config.key,
        name: 'Checkout errors',
        condition: 'ERROR_RATE',
        operator: 'GT',
        threshold: 0.1,
        windowMinutes: 5,
        minimumSample: 100,
        cooldownMinutes: 30,
        severity: 'CRITICAL',
        enabled: true,
        guardsDeployments: true,
        webhookEndpointIds: [endpoint.id],
        emailRecipientIds: [recipient],
        lastEvaluatedAt: null,
        environment: { key: 'development' },
      });
      const other = await createAlert(app, {
        condition: 'FETCH_RATE',
        operator: 'LT',
        threshold: 5,
      });
      expect(other.configKey).toBeNull();

      const read = data(await app.gql<{ alert: AlertView }>(GET, { id: created.id })).alert;
      expect(read).toMatchObject({ id: created.id, unresolvedEvent: null });
      const page = data(
        await app.gql<{
          alerts: { edges: { node: { id: string } }[]; pageInfo: { endCursor: string } };
        }>(LIST, { environment: 'development', first: 1 }),
      ).alerts;
      expect(page.edges.map((e) => e.node.id)).toEqual([other.id]);
      const next = data(
        await app.gql<{ alerts: { edges: { node: { id: string } }[] } }>(LIST, {
          environment: 'development',
          first: 1,
          after: page.pageInfo.endCursor,
        }),
      ).alerts;
      expect(next.edges.map((e) => e.node.id)).toEqual([created.id]);
      const byKey = data(
        await app.gql<{ alerts: { edges: { node: { id: string } }[] } }>(LIST, {
          environment: 'development',
          key: config.key,
        }),
      ).alerts;
      expect(byKey.edges.map((e) => e.node.id)).toEqual([created.id]);

      const updated = data(
        await app.gql<{ updateAlert: { alert: AlertView } }>(UPDATE, {
          input: { id: created.id, threshold: 0.2, emailRecipientIds: [], name: null },
        }),
      ).updateAlert.alert;
      expect(updated).toMatchObject({
        name: 'Checkout errors',
        threshold: 0.2,
        webhookEndpointIds: [endpoint.id],
        emailRecipientIds: [],
      });

      expect(data(await app.gql(DELETE, { input: { id: created.id } }))).toEqual({
        deleteAlert: { id: created.id },
      });
      expect(errorCode(await app.gql(GET, { id: created.id }))).toBe('NOT_FOUND');
    });

    it('lets viewers read rules but not change them', async () => {
      const viewer = await createApiKey(app, { roles: ['VIEWER'] });
      const rule = await createAlert(app);
      expect(data(await app.gql(GET, { id: rule.id }, viewer.token))).toBeDefined();
      expect(errorCode(await createAlertRequest(app, alertInput(), viewer.token))).toBe(
        'FORBIDDEN',
      );
      expect(
        errorCode(await app.gql(UPDATE, { input: { id: rule.id, threshold: 0.5 } }, viewer.token)),
      ).toBe('FORBIDDEN');
    });

    it('keeps a key scoped to another environment away from the rule', async () => {
      await app.gql(
        `mutation { createEnvironment(input: { key: "scoped-alerts", name: "Scoped" }) { environment { id } } }`,
      );
      const scoped = await createApiKey(app, { roles: ['EDITOR'], environment: 'scoped-alerts' });
      const rule = await createAlert(app);
      expect(errorCode(await app.gql(GET, { id: rule.id }, scoped.token))).toBe('FORBIDDEN');
      expect(errorCode(await app.gql(DELETE, { input: { id: rule.id } }, scoped.token))).toBe(
        'FORBIDDEN',
      );
    });
  });

  describe('bad input', () => {
    let count: () => Promise<number>;

    beforeAll(() => {
      count = async () => Number((await db.query('SELECT count(*) FROM config_alert'))[0].count);
    });

    it.each([
      ['an error rate above 1', { threshold: 1.5 }, ['input.threshold']],
      ['a usage drop below 0', { condition: 'USAGE_DROP', threshold: -0.2 }, ['input.threshold']],
      [
        'a negative count',
        { condition: 'VALIDATION_FAILURE', threshold: -1, minimumSample: -5 },
        ['input.minimumSample', 'input.threshold'],
      ],
      ['a window under a minute', { windowMinutes: 0 }, ['input.windowMinutes']],
      ['a window over 7 days', { windowMinutes: 10081 }, ['input.windowMinutes']],
      ['a negative cooldown', { cooldownMinutes: -1 }, ['input.cooldownMinutes']],
      ['a blank name', { name: '' }, ['input.name']],
      ['a name over two lines', { name: 'a\nb' }, ['input.name']],
      [
        'guarding deployments without a config',
        { guardsDeployments: true },
        ['input.guardsDeployments'],
      ],
    ])('refuses %s with BAD_USER_INPUT and its path, writing nothing', async (_, fields, paths) => {
      const before = await count();
      const response = await createAlertRequest(app, alertInput(fields));
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(validationPaths(response).sort()).toEqual(paths);
      expect(await count()).toBe(before);
    });

    it('refuses an unknown condition with BAD_USER_INPUT naming the field', async () => {
      const response = await createAlertRequest(app, alertInput({ condition: 'LATENCY' }));
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(validationPaths(response)).toEqual(['input.condition']);
    });

    it('refuses more than 20 channels, and channels of another environment', async () => {
      const endpoints = await Promise.all(
        Array.from({ length: 11 }, () => createEndpoint(app, receiver.url)),
      );
      const recipients = await Promise.all(
        Array.from({ length: 10 }, () => createRecipient(app, `r-${randomUUID()}@example.com`)),
      );
      const tooMany = await createAlertRequest(
        app,
        alertInput({
          webhookEndpointIds: endpoints.map((e) => e.id),
          emailRecipientIds: recipients,
        }),
      );
      expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
      expect(tooMany.errors?.[0].extensions?.validationErrors).toEqual([
        expect.objectContaining({ path: 'input.webhookEndpointIds', rule: 'maxChannels' }),
      ]);

      await app.gql(
        `mutation { createEnvironment(input: { key: "elsewhere", name: "Elsewhere" }) { environment { id } } }`,
      );
      const foreign = await createEndpoint(app, receiver.url, 'elsewhere');
      const foreignRecipient = await createRecipient(app, 'x@example.com', 'elsewhere');
      const before = await count();
      const crossing = await createAlertRequest(
        app,
        alertInput({
          webhookEndpointIds: [endpoints[0].id, foreign.id],
          emailRecipientIds: [foreignRecipient, randomUUID()],
        }),
      );
      expect(errorCode(crossing)).toBe('BAD_USER_INPUT');
      expect(crossing.errors?.[0].extensions?.validationErrors).toEqual([
        expect.objectContaining({ path: 'input.webhookEndpointIds[1]', rule: 'sameEnvironment' }),
        expect.objectContaining({ path: 'input.emailRecipientIds[0]', rule: 'sameEnvironment' }),
        expect.objectContaining({ path: 'input.emailRecipientIds[1]', rule: 'sameEnvironment' }),
      ]);
      expect(await count()).toBe(before);
    });

    it('refuses an update as a whole, leaving the rule as it was', async () => {
      const rule = await createAlert(app, { threshold: 0.3 });
      const response = await app.gql(UPDATE, {
        input: { id: rule.id, condition: 'USAGE_DROP', threshold: 3, windowMinutes: 60 },
      });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(validationPaths(response)).toEqual(['input.threshold']);
      const now = data(await app.gql<{ alert: AlertView }>(GET, { id: rule.id })).alert;
      expect(now).toMatchObject({ condition: 'ERROR_RATE', threshold: 0.3, windowMinutes: 5 });
    });

    it('answers NOT_FOUND for a config that does not exist', async () => {
      const response = await createAlertRequest(app, alertInput({ key: 'no.such.config' }));
      expect(errorCode(response)).toBe('NOT_FOUND');
    });
  });

  describe('evaluation on synthetic counters', () => {
    it('computes the error rate without reasons as errors, under a minimum sample fires nothing, and notifies the channels', async () => {
      const { config, endpoint, address, rule } = await ruleWithChannels(app, receiver, {
        name: 'Checkout errors',
        minimumSample: 500,
      });
      const picky = await createAlert(app, { key: config.key, minimumSample: 501 });
      // 5 minutes of 100 evaluations, 20 errors and 300 subjects without an id (a reason).
      await insertMinutes(db, { key: config.key }, BASE - 5 * MINUTE, 5, {
        evaluations: 100,
        errors: { GENERAL: 20, TARGETING_KEY_MISSING: 60 },
      });
      // The minute before the window: all errors, not counted.
      await insertMinutes(db, { key: config.key }, BASE - 6 * MINUTE, 1, {
        evaluations: 100,
        errors: { GENERAL: 100 },
      });

      const run = await evaluator.evaluateAll(BASE);
      expect(run).toMatchObject({ evaluated: 2, failed: 0, resolved: [] });
      expect(run.opened).toHaveLength(1);
      const [event] = await alertEvents(app, { key: config.key });
      expect(event).toMatchObject({
        id: run.opened[0],
        alertId: rule.id,
        configKey: config.key,
        alertName: 'Checkout errors',
        condition: 'ERROR_RATE',
        operator: 'GT',
        value: 0.2,
        threshold: 0.1,
        windowMinutes: 5,
        sample: 500,
        status: 'OPEN',
        openedBy: 'alert-evaluator',
        openedAt: new Date(BASE).toISOString(),
        deploymentId: null,
      });
      const measured = data(await app.gql<{ alert: AlertView }>(GET, { id: picky.id })).alert;
      expect(measured).toMatchObject({ lastValue: 0.2, lastSample: 500, unresolvedEvent: null });

      const request = await eventually(
        async () => receiver.received.find((r) => r.body.includes(event.id)) ?? undefined,
        { what: 'the webhook' },
      );
      expect(verifyWebhook(endpoint.secret, request)).toEqual({
        type: 'alert.triggered',
        timestamp: new Date(BASE).toISOString(),
        data: expect.objectContaining({
          eventId: event.id,
          alertId: rule.id,
          alertName: 'Checkout errors',
          key: config.key,
          condition: 'error_rate',
          value: 0.2,
          threshold: 0.1,
          windowMinutes: 5,
          summary: `Checkout errors: error rate 20% above 10% over 5 min on ${config.key} in development`,
          link: `/console/envs/development/alerts?event=${event.id}`,
        }),
      });
      const email = await eventually(
        async () => smtp.received.find((m) => m.to.includes(address)),
        { what: 'the email' },
      );
      expect(SmtpSink.header(email, 'subject')).toBe(
        `[Business Config] Checkout errors: error rate 20% above 10% over 5 min on ${config.key} in development`,
      );
      expect(SmtpSink.text(email)).toContain(
        `https://bc.example.com/console/envs/development/alerts?event=${event.id}`,
      );
    });

    it('fires on a usage drop only when it also holds against the same window a week earlier', async () => {
      const seasonal = await createConfig(app);
      const dropped = await createConfig(app);
      const rule = { condition: 'USAGE_DROP', operator: 'GT', threshold: 0.5, windowMinutes: 30 };
      const seasonalRule = await createAlert(app, {
        ...rule,
        key: seasonal.key,
        minimumSample: 1000,
      });
      const droppedRule = await createAlert(app, {
        ...rule,
        key: dropped.key,
        minimumSample: 1000,
      });
      // Windows end at BASE (whole minutes flushed): this one [BASE-30, BASE), the one before
      // [BASE-60, BASE-30), and [BASE-30, BASE) a week earlier.
      for (const [config, weekEarlier] of [
        [seasonal, 45],
        [dropped, 100],
      ] as const) {
        await insertMinutes(db, { key: config.key }, BASE - 60 * MINUTE, 30, { evaluations: 100 });
        await insertMinutes(db, { key: config.key }, BASE - 30 * MINUTE, 30, { evaluations: 40 });
        await insertMinutes(db, { key: config.key }, BASE - 30 * MINUTE - WEEK, 30, {
          evaluations: weekEarlier,
        });
      }

      const run = await evaluator.evaluateAll(BASE + 30_000);
      expect(run.opened).toHaveLength(1);
      expect(await alertEvents(app, { key: seasonal.key })).toEqual([]);
      const [event] = await alertEvents(app, { key: dropped.key });
      expect(event).toMatchObject({ alertId: droppedRule.id, status: 'OPEN', sample: 3000 });
      expect(event.value).toBeCloseTo(0.6);
      // The seasonal one measured the same drop; last week's was as low.
      const measured = data(
        await app.gql<{ alert: AlertView }>(GET, { id: seasonalRule.id }),
      ).alert;
      expect(measured.lastValue).toBeCloseTo(0.6);
    });

    it('opens no new event while one is unresolved or within the cooldown, and resolves after two recovered evaluations', async () => {
      const config = await createConfig(app);
      const rule = await createAlert(app, {
        key: config.key,
        windowMinutes: 1,
        cooldownMinutes: 5,
      });
      const minute = (at: number, errors: number) =>
        insertMinutes(db, { key: config.key }, at, 1, {
          evaluations: 10,
          errors: { GENERAL: errors },
        });
      const evaluateAt = async (at: number) => evaluator.evaluateAll(at);
      const events = () => alertEvents(app, { alertId: rule.id });

      await minute(BASE - MINUTE, 5);
      const first = (await evaluateAt(BASE)).opened[0];
      expect(first).toBeDefined();
      // Recovered once, then crossing again: the count starts over, no second event.
      await minute(BASE, 0);
      expect((await evaluateAt(BASE + MINUTE)).resolved).toEqual([]);
      await minute(BASE + MINUTE, 5);
      expect((await evaluateAt(BASE + 2 * MINUTE)).opened).toEqual([]);
      await minute(BASE + 2 * MINUTE, 0);
      expect((await evaluateAt(BASE + 3 * MINUTE)).resolved).toEqual([]);
      expect((await events()).map((e) => e.status)).toEqual(['OPEN']);
      // The second recovery in a row resolves it.
      await minute(BASE + 3 * MINUTE, 0);
      expect((await evaluateAt(BASE + 4 * MINUTE)).resolved).toEqual([first]);
      expect((await events())[0]).toMatchObject({
        id: first,
        status: 'RESOLVED',
        resolvedBy: 'alert-evaluator',
        resolvedAt: new Date(BASE + 4 * MINUTE).toISOString(),
      });
      // Crossing within 5 minutes of the resolution: nothing; after them: a new event.
      await minute(BASE + 4 * MINUTE, 5);
      expect((await evaluateAt(BASE + 5 * MINUTE)).opened).toEqual([]);
      await minute(BASE + 9 * MINUTE, 5);
      const second = (await evaluateAt(BASE + 10 * MINUTE)).opened[0];
      expect(second).toBeDefined();
      expect((await events()).map((e) => [e.id, e.status])).toEqual([
        [second, 'OPEN'],
        [first, 'RESOLVED'],
      ]);
    });

    it('lets an editor acknowledge an open event once, which then still resolves by itself', async () => {
      const config = await createConfig(app);
      const rule = await createAlert(app, { key: config.key, windowMinutes: 1 });
      await insertMinutes(db, { key: config.key }, BASE - MINUTE, 1, {
        evaluations: 10,
        errors: { GENERAL: 5 },
      });
      const [id] = (await evaluator.evaluateAll(BASE)).opened;
      const viewer = await createApiKey(app, { roles: ['VIEWER'] });
      expect(errorCode(await app.gql(ACKNOWLEDGE, { input: { id } }, viewer.token))).toBe(
        'FORBIDDEN',
      );
      const editor = await createApiKey(app, { name: 'on call', roles: ['EDITOR'] });
      const acknowledged = data(
        await app.gql<{ acknowledgeAlertEvent: { event: Record<string, unknown> } }>(
          ACKNOWLEDGE,
          { input: { id, comment: 'looking at the payment provider' } },
          editor.token,
        ),
      ).acknowledgeAlertEvent.event;
      expect(acknowledged).toMatchObject({
        id,
        status: 'ACKNOWLEDGED',
        acknowledgedBy: 'on call',
        comment: 'looking at the payment provider',
        acknowledgedAt: expect.any(String),
      });
      const again = await app.gql(ACKNOWLEDGE, { input: { id } }, editor.token);
      expect(errorCode(again)).toBe('CONFLICT');
      expect(again.errors?.[0].extensions?.status).toBe('ACKNOWLEDGED');
      expect(errorCode(await app.gql(ACKNOWLEDGE, { input: { id: randomUUID() } }))).toBe(
        'NOT_FOUND',
      );

      // Still unresolved (no second event opens); two clean evaluations resolve it.
      expect(
        data(await app.gql<{ alert: { unresolvedEvent: { id: string } } }>(GET, { id: rule.id }))
          .alert.unresolvedEvent.id,
      ).toBe(id);
      await evaluator.evaluateAll(BASE + MINUTE);
      expect((await evaluator.evaluateAll(BASE + 2 * MINUTE)).resolved).toEqual([id]);
      const [resolved] = await alertEvents(app, { alertId: rule.id });
      expect(resolved).toMatchObject({ status: 'RESOLVED', acknowledgedBy: 'on call' });
    });

    it('resolves the unresolved event of a rule turned off', async () => {
      const config = await createConfig(app);
      const rule = await createAlert(app, { key: config.key, windowMinutes: 1 });
      await insertMinutes(db, { key: config.key }, BASE - MINUTE, 1, {
        evaluations: 10,
        errors: { GENERAL: 5 },
      });
      const [id] = (await evaluator.evaluateAll(BASE)).opened;
      await app.gql(UPDATE, { input: { id: rule.id, enabled: false } });
      const [event] = await alertEvents(app, { alertId: rule.id });
      expect(event).toMatchObject({ id, status: 'RESOLVED' });
      expect(event.resolvedBy).toMatch(/rule turned off/);
      expect((await evaluator.evaluateAll(BASE + MINUTE)).evaluated).toBe(0);
    });
  });

  describe('one event whatever the evaluators', () => {
    it('opens one event and one delivery when two evaluations run at once', async () => {
      const config = await createConfig(app);
      const target = await new WebhookReceiver().start();
      try {
        const endpoint = await createEndpoint(app, target.url);
        const rule = await createAlert(app, {
          key: config.key,
          webhookEndpointIds: [endpoint.id],
        });
        await insertMinutes(db, { key: config.key }, BASE - 5 * MINUTE, 6, {
          evaluations: 100,
          errors: { GENERAL: 50 },
        });
        // Two slots: whichever claims the rule first, one event opens.
        const runs = await Promise.all([
          evaluator.evaluateAll(BASE),
          evaluator.evaluateAll(BASE + MINUTE),
        ]);
        expect(runs.some((r) => r.evaluated === 1)).toBe(true);
        expect(runs.flatMap((r) => r.opened)).toHaveLength(1);
        expect(await alertEvents(app, { alertId: rule.id })).toHaveLength(1);
        await eventually(async () => target.received.length === 1, { what: 'the webhook' });

        // The same slot twice: the second run finds the rule taken.
        const [a, b] = await Promise.all([
          evaluator.evaluateAll(BASE + 2 * MINUTE),
          evaluator.evaluateAll(BASE + 2 * MINUTE),
        ]);
        expect(a.evaluated + b.evaluated).toBe(1);
      } finally {
        await target.stop();
      }
    });

    it('admits one unresolved event per rule in the database itself, however two openings race', async () => {
      const config = await createConfig(app);
      const rule = await createAlert(app, { key: config.key, windowMinutes: 1 });
      const repository = app.running.app.get(AlertEvaluationRepository);
      const opening = () => ({
        id: randomUUID(),
        alertId: rule.id,
        value: 0.5,
        sample: 10,
        openedAt: new Date(BASE),
        openedBy: 'test',
        deploymentId: null,
      });
      // Two transactions past the "none unresolved" check at once: the unique index decides.
      const opened = await Promise.all([
        db.transaction((manager) => repository.open(manager, opening())),
        db.transaction((manager) => repository.open(manager, opening())),
      ]);
      expect(opened.sort()).toEqual([false, true]);
      const [event] = await alertEvents(app, { alertId: rule.id });
      await expect(
        db.query(
          `INSERT INTO config_alert_event (alert_id, environment_id, alert_name, condition,
             operator, severity, value, threshold, window_minutes, sample, status, opened_at, opened_by)
           SELECT alert_id, environment_id, alert_name, condition, operator, severity, value,
             threshold, window_minutes, sample, 'acknowledged', now(), 'test'
           FROM config_alert_event WHERE id = $1`,
          [event.id],
        ),
      ).rejects.toThrow(/uq_config_alert_event_unresolved/);
    });

    (hasPostgres ? it : it.skip)(
      'opens one event when two instances evaluate at once',
      async () => {
        const second = await startTestApp({ shareWith: app });
        try {
          const config = await createConfig(app);
          const rule = await createAlert(app, { key: config.key });
          await insertMinutes(db, { key: config.key }, BASE - 5 * MINUTE, 6, {
            evaluations: 100,
            errors: { GENERAL: 50 },
          });
          const runs = await Promise.all([
            evaluator.evaluateAll(BASE),
            second.running.app.get(AlertEvaluator).evaluateAll(BASE + MINUTE),
          ]);
          expect(runs.flatMap((r) => r.opened)).toHaveLength(1);
          expect(await alertEvents(app, { alertId: rule.id })).toHaveLength(1);
        } finally {
          await second.close();
        }
      },
    );
  });
});

describe('alerts on live counters', () => {
  jest.setTimeout(120_000);

  describe('a guarded rollout, end to end', () => {
    const INTERVAL_MS = 2000;
    let app: TestApp;
    let smtp: SmtpSink;
    let receiver: WebhookReceiver;

    beforeAll(async () => {
      smtp = await new SmtpSink().start();
      receiver = await new WebhookReceiver().start();
      app = await startTestApp({
        env: {
          ALERT_EVALUATION_INTERVAL_MS: String(INTERVAL_MS),
          USAGE_FLUSH_MS: '200',
          ALLOW_PRIVATE_WEBHOOKS: 'true',
          SMTP_URL: smtp.url,
          PUBLIC_URL: 'https://bc.example.com',
        },
      });
    });

    afterAll(async () => {
      await app?.close();
      await receiver?.stop();
      await smtp?.stop();
    });

    it('rolls a canary back when the errors SDKs report cross the rule, then the webhook and the email arrive', async () => {
      const { config, endpoint, address, rule } = await ruleWithChannels(app, receiver, {
        name: 'Canary errors',
        threshold: 0.1,
        windowMinutes: 5,
        minimumSample: 50,
        severity: 'CRITICAL',
        guardsDeployments: true,
      });
      const started = data(
        await startDeployment(
          app,
          deploymentInput(config, {
            strategy: 'CANARY',
            parameters: { canaryPercentage: 10, holdMinutes: 60 },
          }),
        ),
      ).startDeployment.deployment;
      expect(started.status).toBe('IN_PROGRESS');
      const client = wsClient(app);
      const triggered = subscribe<{ id: string; alertName: string; deploymentId: string }>(
        client,
        `subscription { alertTriggered(environment: "development") { id alertName deploymentId alert { id } } }`,
      );
      try {
        // The subscription is live once the server has evaluated a run with it open.
        await eventually(
          async () =>
            data(await app.gql<{ alert: AlertView }>(GET, { id: rule.id })).alert.lastEvaluatedAt !=
            null,
          { what: 'a first evaluation' },
        );
        const sdk = await createApiKey(app, { roles: ['SDK'], environment: 'development' });
        const reported = await app.gql(
          `mutation ($input: ReportUsageInput!) { reportUsage(input: $input) { accepted } }`,
          {
            input: {
              batchId: randomUUID(),
              sdk: { name: 'business-config-js', version: '1.0.0' },
              entries: [
                {
                  key: config.key,
                  evaluations: 200,
                  errors: [{ code: 'PARSE_ERROR', count: 60 }],
                  periodStart: new Date(Date.now() - 2000).toISOString(),
                  periodEnd: new Date().toISOString(),
                },
              ],
            },
          },
          sdk.token,
        );
        expect(data(reported)).toEqual({ reportUsage: { accepted: 1 } });
        const crossedAt = Date.now();

        const request = await eventually(
          async () => receiver.received.find((r) => r.body.includes('alert.triggered')),
          { what: 'the webhook', intervalMs: 10 },
        );
        const arrivedAfterMs = Date.now() - crossedAt;
        console.log(
          `Guarded rollout: crossing (errors reported) to webhook arrival: ${arrivedAfterMs} ms (evaluation interval ${INTERVAL_MS} ms, usage flush 200 ms)`,
        );
        const payload = verifyWebhook(endpoint.secret, request) as {
          data: Record<string, unknown>;
        };
        const [event] = await alertEvents(app, { alertId: rule.id });
        expect(payload.data).toMatchObject({
          eventId: event.id,
          alertName: 'Canary errors',
          severity: 'critical',
          value: 0.3,
          deploymentId: started.id,
          deploymentAction: 'rollback',
        });
        expect(event).toMatchObject({
          status: 'OPEN',
          value: 0.3,
          sample: 200,
          deploymentId: started.id,
          guardResult: 'rolled back',
          guardTrippedAt: expect.any(String),
        });

        // The deployment was rolled back before the notifications went out, saying by which alert.
        const deployment = data(
          await app.gql<{ deployment: { status: string; reason: string; rolledBackBy: string } }>(
            `query ($id: ID!) { deployment(id: $id) { status reason rolledBackBy } }`,
            { id: started.id },
          ),
        ).deployment;
        expect(deployment).toEqual({
          status: 'ROLLED_BACK',
          rolledBackBy: 'deployment-guard',
          reason: `Guard tripped: alert "Canary errors" fired: error rate 30% above 10% over 5 min (event ${event.id})`,
        });
        const history = data(
          await app.gql<{
            configChanges: { edges: { node: { action: string; comment: string } }[] };
          }>(
            `query ($filter: ConfigChangeFilter) { configChanges(environment: "development", filter: $filter) {
              edges { node { action comment } } } }`,
            { filter: { configKey: config.key } },
          ),
        ).configChanges.edges.map((edge) => edge.node);
        expect(history[0]).toEqual({
          action: 'DEPLOYMENT_ROLLED_BACK',
          comment: deployment.reason,
        });

        const email = await eventually(
          async () => smtp.received.find((m) => m.to.includes(address)),
          { what: 'the email' },
        );
        expect(SmtpSink.header(email, 'subject')).toContain('Canary errors: error rate 30%');
        const [pushed] = await triggered.waitFor(1);
        expect(pushed).toMatchObject({
          id: event.id,
          alertName: 'Canary errors',
          deploymentId: started.id,
          alert: { id: rule.id },
        });
        // The rolled-back deployment is not tripped again by later evaluations.
        const before = receiver.received.length;
        await eventually(
          async () => {
            const now = data(await app.gql<{ alert: AlertView }>(GET, { id: rule.id })).alert;
            return Date.parse(String(now.lastEvaluatedAt)) > crossedAt + arrivedAfterMs;
          },
          { what: 'a later evaluation' },
        );
        expect(receiver.received.length).toBe(before);
      } finally {
        triggered.stop();
        await client.dispose();
      }
    });
  });

  describe('the embedded mode (no DATABASE_URL, no REDIS_URL)', () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp({
        env: {
          DATABASE_URL: undefined,
          REDIS_URL: undefined,
          ALERT_EVALUATION_INTERVAL_MS: '500',
          USAGE_FLUSH_MS: '200',
        },
      });
    });

    afterAll(async () => {
      await app?.close();
    });

    it('runs the recurring evaluation in process and opens an event on refused saves', async () => {
      const config = await createConfig(app, { valueType: 'INTEGER', value: 1, defaultValue: 0 });
      const rule = await createAlert(app, {
        key: config.key,
        condition: 'VALIDATION_FAILURE',
        operator: 'GTE',
        threshold: 2,
        windowMinutes: 5,
      });
      for (const value of ['one', 'two']) {
        const refused = await app.gql(
          `mutation ($input: UpdateConfigInput!) { updateConfig(input: $input) { config { version } } }`,
          { input: { environment: 'development', key: config.key, value, expectedVersion: 1 } },
        );
        expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      }
      const [event] = await eventually(
        async () => {
          const events = await alertEvents(app, { alertId: rule.id });
          return events.length > 0 ? events : undefined;
        },
        { what: 'the recurring evaluation to open an event' },
      );
      expect(event).toMatchObject({ status: 'OPEN', value: 2, condition: 'VALIDATION_FAILURE' });
    });
  });

  describe('alertMetricSeries', () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp();
    });

    afterAll(async () => {
      await app?.close();
    });

    it('measures the last 24 hours every 5 minutes, saying where the rule would cross', async () => {
      const config = await createConfig(app);
      const db = app.running.app.get(DataSource);
      const now = Date.now();
      const hourAgo = Math.floor((now - 60 * MINUTE) / MINUTE) * MINUTE;
      // An hour of 100 evaluations a minute, errors 5% for the first half and 20% for the second.
      await insertMinutes(db, { key: config.key }, hourAgo, 30, {
        evaluations: 100,
        errors: { GENERAL: 5 },
      });
      await insertMinutes(db, { key: config.key }, hourAgo + 30 * MINUTE, 30, {
        evaluations: 100,
        errors: { GENERAL: 20, TARGETING_KEY_MISSING: 50 },
      });
      const series = data(
        await app.gql<{
          alertMetricSeries: {
            stepMinutes: number;
            points: { at: string; value: number | null; sample: number; crossing: boolean }[];
          };
        }>(
          `query ($key: String) { alertMetricSeries(environment: "development", key: $key,
            condition: ERROR_RATE, windowMinutes: 10, operator: GT, threshold: 0.1, minimumSample: 500) {
              condition windowMinutes stepMinutes points { at value sample crossing } } }`,
          { key: config.key },
        ),
      ).alertMetricSeries;
      expect(series.stepMinutes).toBe(5);
      expect(series.points.length).toBeGreaterThanOrEqual(288);
      const at = (t: number) => series.points.find((p) => Date.parse(p.at) === t);
      const step = 5 * MINUTE;
      const firstHalf = at(Math.ceil((hourAgo + 20 * MINUTE) / step) * step)!;
      expect(firstHalf).toMatchObject({ value: 0.05, sample: 1000, crossing: false });
      const secondHalf = at(Math.ceil((hourAgo + 50 * MINUTE) / step) * step)!;
      expect(secondHalf).toMatchObject({ value: 0.2, sample: 1000, crossing: true });
      expect(series.points[0]).toMatchObject({ value: null, sample: 0, crossing: false });
    });
  });
});
