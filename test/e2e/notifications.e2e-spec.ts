import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/core/queue/job-queue';
import { HostResolver } from '../../src/modules/notifications/delivery/host-resolver';
import { DeliverNotificationJob } from '../../src/modules/notifications/jobs/deliver-notification.job';
import { PruneNotificationDeliveriesJob } from '../../src/modules/notifications/jobs/prune-notification-deliveries.job';
import { SweepNotificationsJob } from '../../src/modules/notifications/jobs/sweep-notifications.job';
import { NotificationDeliverer } from '../../src/modules/notifications/notification-deliverer.service';
import { NotificationEventType } from '../../src/modules/notifications/notification-event-type';
import { NotificationsService } from '../../src/modules/notifications/notifications.service';
import { createApiKey } from '../factories/api-key.factory';
import { createConfig, uniqueKey } from '../factories/config.factory';
import { SmtpSink } from '../support/smtp-sink';
import { errorCode, eventually, startTestApp, TestApp } from '../support/test-app';
import { verifyWebhook, WebhookReceiver } from '../support/webhook-receiver';

const ENDPOINT_FIELDS = 'id url description eventTypes enabled disabledReason failingSince';
const CREATE_ENDPOINT = `mutation ($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret webhookEndpoint { ${ENDPOINT_FIELDS} } } }`;
const ROTATE = `mutation ($input: RotateWebhookSecretInput!) {
  rotateWebhookSecret(input: $input) { secret webhookEndpoint { previousSecretExpiresAt } } }`;
const DELIVERIES = `query ($endpointId: ID, $recipientId: ID, $status: NotificationDeliveryStatus) {
  notificationDeliveries(environment: "development", endpointId: $endpointId, recipientId: $recipientId, status: $status, first: 100) {
    edges { node { id eventId eventType status attempts responseCode latencyMs lastError deliveredAt payload } } } }`;
const CREATE_RECIPIENT = `mutation ($input: CreateEmailRecipientInput!) {
  createEmailRecipient(input: $input) { emailRecipient { id address name eventTypes } } }`;
const ENDPOINTS = `query { webhookEndpoints(environment: "development") { edges { node { ${ENDPOINT_FIELDS} } } } }`;

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  responseCode: number | null;
  latencyMs: number | null;
  lastError: string | null;
  payload: { type: string; data: Record<string, unknown> };
}

async function createEndpoint(
  app: TestApp,
  url: string,
  eventTypes = ['CONFIG_CHANGED'],
): Promise<{ id: string; secret: string }> {
  const response = await app.gql<{
    createWebhookEndpoint: { secret: string; webhookEndpoint: { id: string } };
  }>(CREATE_ENDPOINT, { input: { environment: 'development', url, eventTypes } });
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  const { secret, webhookEndpoint } = response.data.createWebhookEndpoint;
  return { id: webhookEndpoint.id, secret };
}

async function deliveries(app: TestApp, filter: Record<string, string>): Promise<Delivery[]> {
  const response = await app.gql<{
    notificationDeliveries: { edges: { node: Delivery }[] };
  }>(DELIVERIES, filter);
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data.notificationDeliveries.edges.map((edge) => edge.node);
}

/** The deliveries of an endpoint once `check` holds for them. */
function deliveriesWhen(
  app: TestApp,
  filter: Record<string, string>,
  check: (rows: Delivery[]) => boolean,
  what: string,
): Promise<Delivery[]> {
  return eventually(
    async () => {
      const rows = await deliveries(app, filter);
      return check(rows) ? rows : undefined;
    },
    { what, timeoutMs: 30_000 },
  );
}

describe('notifications (receivers on this machine: ALLOW_PRIVATE_WEBHOOKS=true)', () => {
  jest.setTimeout(90_000);
  let app: TestApp;
  let smtp: SmtpSink;
  const receivers: WebhookReceiver[] = [];

  const receiver = async () => {
    const started = await new WebhookReceiver().start();
    receivers.push(started);
    return started;
  };

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    app = await startTestApp({
      env: {
        ALLOW_PRIVATE_WEBHOOKS: 'true',
        NOTIFICATION_RETRY_BASE_MS: '50',
        SMTP_URL: smtp.url,
        SMTP_FROM: 'Business Config <bc@example.com>',
        PUBLIC_URL: 'https://bc.example.com',
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all(receivers.map((r) => r.stop()));
    await smtp?.stop();
  });

  it('signs a config change per Standard Webhooks and logs the delivery', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(app, target.url);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const config = await createConfig(app);

    const [delivery] = await deliveriesWhen(
      app,
      { endpointId: endpoint.id },
      (rows) => rows[0]?.status === 'SUCCEEDED',
      'the delivery to succeed',
    );
    expect(target.received).toHaveLength(1);
    const [request] = target.received;
    expect(request.headers['webhook-id']).toBe(delivery.id);
    const payload = verifyWebhook(endpoint.secret, request);
    expect(payload).toEqual({
      type: 'config.changed',
      timestamp: expect.any(String),
      data: expect.objectContaining({
        key: config.key,
        action: 'create',
        version: 1,
        environment: 'development',
        summary: `${config.key}: create (version 1) in development`,
      }),
    });
    expect(delivery).toEqual(
      expect.objectContaining({ eventType: 'CONFIG_CHANGED', attempts: 1, responseCode: 200 }),
    );
    expect(delivery.latencyMs).toEqual(expect.any(Number));
    // Another secret (not the same one with a character changed: base64's last character may
    // carry only padding bits, and decode to the same key).
    const otherSecret = `whsec_${randomBytes(24).toString('base64')}`;
    expect(() => verifyWebhook(otherSecret, request)).toThrow();
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /notification_delivery_attempts_total\{channel="webhook",outcome="succeeded"\} [1-9]/,
    );
  });

  it('delivers to a receiver that was down, then failing, with one webhook-id and one success', async () => {
    // A port that refuses connections until the receiver starts on it.
    const target = await receiver();
    await target.stop();
    const endpoint = await createEndpoint(app, target.url);
    await createConfig(app);
    await deliveriesWhen(
      app,
      { endpointId: endpoint.id },
      (rows) => rows[0]?.attempts >= 2,
      'two refused attempts',
    );
    let answered = 0;
    target.status = () => (++answered === 1 ? 503 : 200);
    await target.start();

    const [delivery] = await deliveriesWhen(
      app,
      { endpointId: endpoint.id },
      (rows) => rows[0]?.status === 'SUCCEEDED',
      'the delivery to succeed',
    );
    expect(target.received).toHaveLength(2);
    for (const request of target.received) {
      expect(request.headers['webhook-id']).toBe(delivery.id);
      expect(verifyWebhook(endpoint.secret, request)).toEqual(
        expect.objectContaining({ type: 'config.changed' }),
      );
    }
    expect(delivery.attempts).toBeGreaterThanOrEqual(4);
    expect(delivery.responseCode).toBe(200);
    const succeeded = await deliveries(app, { endpointId: endpoint.id, status: 'SUCCEEDED' });
    expect(succeeded).toHaveLength(1);
  });

  it('signs with the new and the previous secret during a rotation', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(app, target.url);
    const rotated = await app.gql<{ rotateWebhookSecret: { secret: string } }>(ROTATE, {
      input: { id: endpoint.id, overlapSeconds: 3600 },
    });
    const newSecret = rotated.data!.rotateWebhookSecret.secret;
    expect(newSecret).not.toBe(endpoint.secret);
    await createConfig(app);
    await eventually(async () => target.received.length === 1, { what: 'the delivery' });
    const [request] = target.received;
    expect(request.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifyWebhook(newSecret, request)).toBeDefined();
    expect(verifyWebhook(endpoint.secret, request)).toBeDefined();

    // Without an overlap, the previous secret stops signing at once.
    const again = await app.gql<{ rotateWebhookSecret: { secret: string } }>(ROTATE, {
      input: { id: endpoint.id, overlapSeconds: 0 },
    });
    await createConfig(app);
    await eventually(async () => target.received.length === 2, { what: 'the second delivery' });
    const second = target.received[1];
    expect(verifyWebhook(again.data!.rotateWebhookSecret.secret, second)).toBeDefined();
    expect(() => verifyWebhook(newSecret, second)).toThrow();
  });

  it('notifies an experiment status change as experiment.status_changed', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(app, target.url, ['EXPERIMENT_STATUS_CHANGED']);
    const config = await createConfig(app);
    const key = uniqueKey('exp');
    const created = await app.gql(
      `mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { id } } }`,
      {
        input: {
          environment: 'development',
          configKey: config.key,
          key,
          name: 'Button colour',
          variants: [
            { key: 'control', name: 'Control', value: 'a', weight: 50, control: true },
            { key: 'treatment', name: 'Treatment', value: 'b', weight: 50 },
          ],
          primaryMetric: { event: 'purchase', kind: 'CONVERSION' },
        },
      },
    );
    expect(created.errors).toBeUndefined();
    const started = await app.gql(
      `mutation ($input: StartExperimentInput!) { startExperiment(input: $input) { experiment { status } } }`,
      { input: { environment: 'development', key } },
    );
    expect(started.errors).toBeUndefined();
    await eventually(async () => target.received.length === 1, { what: 'the notification' });
    expect(verifyWebhook(endpoint.secret, target.received[0])).toEqual({
      type: 'experiment.status_changed',
      timestamp: expect.any(String),
      data: expect.objectContaining({ key: config.key, experimentKey: key, status: 'running' }),
    });
  });

  it('sends, through the sweep, deliveries never queued or left by a dead attempt, not those being attempted', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(app, target.url, ['ALERT_TRIGGERED']);
    const db = app.running.app.get(DataSource);
    const [{ id: environmentId }] = await db.query(
      `SELECT id FROM environment WHERE key = 'development'`,
    );
    // What a process that died between commit and queueing leaves behind.
    const recordAlert = (id: string) =>
      db.transaction(async (manager) => {
        const [deliveryId] = await app.running.app.get(NotificationsService).record(manager, {
          id,
          type: NotificationEventType.ALERT_TRIGGERED,
          environmentId,
          occurredAt: new Date(),
          summary: 'Fetch rate below 10 per minute',
          data: { value: 3 },
        });
        return deliveryId;
      });
    const unqueued = await recordAlert('alert.unqueued');
    const abandoned = await recordAlert('alert.abandoned');
    const inFlight = await recordAlert('alert.in-flight');
    const claim = (id: string, interval: string) =>
      db.query(
        `UPDATE notification_delivery SET claimed_until = now() + interval '${interval}' WHERE id = $1`,
        [id],
      );
    await claim(abandoned, '-1 second');
    await claim(inFlight, '1 hour');

    const queue = app.running.app.get(JobQueue);
    await queue.add(SweepNotificationsJob, {});
    await eventually(async () => target.received.length === 2, { what: 'the swept deliveries' });
    await queue.drain();
    expect(target.received.map((r) => r.headers['webhook-id']).sort()).toEqual(
      [unqueued, abandoned].sort(),
    );
    for (const request of target.received) {
      expect(verifyWebhook(endpoint.secret, request)).toEqual(
        expect.objectContaining({ type: 'alert.triggered' }),
      );
    }
  });

  it('prunes finished deliveries past the retention, never pending ones', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(app, target.url);
    await createConfig(app);
    await createConfig(app);
    const rows = await deliveriesWhen(
      app,
      { endpointId: endpoint.id },
      (found) => found.length === 2 && found.every((d) => d.status === 'SUCCEEDED'),
      'two deliveries',
    );
    const db = app.running.app.get(DataSource);
    const age = (id: string, status: string) =>
      db.query(
        `UPDATE notification_delivery SET created_at = now() - interval '31 days', status = $2 WHERE id = $1`,
        [id, status],
      );
    await age(rows[0].id, 'succeeded');
    await age(rows[1].id, 'pending');
    await db.query(
      `UPDATE notification_delivery SET next_attempt_at = now() + interval '1 day' WHERE id = $1`,
      [rows[1].id],
    );
    const queue = app.running.app.get(JobQueue);
    await queue.add(PruneNotificationDeliveriesJob, {});
    await queue.drain();
    expect((await deliveries(app, { endpointId: endpoint.id })).map((d) => d.id)).toEqual([
      rows[1].id,
    ]);
  });

  it('sends a test event to one endpoint', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(app, target.url, ['ALERT_TRIGGERED']);
    const sent = await app.gql<{ sendTestWebhook: { delivery: { id: string } } }>(
      `mutation ($input: SendTestWebhookInput!) { sendTestWebhook(input: $input) { delivery { id } } }`,
      { input: { id: endpoint.id } },
    );
    expect(sent.errors).toBeUndefined();
    await eventually(async () => target.received.length === 1, { what: 'the test event' });
    expect(target.received[0].headers['webhook-id']).toBe(sent.data!.sendTestWebhook.delivery.id);
    expect(verifyWebhook(endpoint.secret, target.received[0])).toEqual(
      expect.objectContaining({ type: 'webhook.test' }),
    );
  });

  it('notifies only the endpoints subscribed to the event type', async () => {
    const subscribed = await receiver();
    const other = await receiver();
    await createEndpoint(app, subscribed.url, ['CONFIG_CHANGED']);
    const unsubscribed = await createEndpoint(app, other.url, ['EXPERIMENT_STATUS_CHANGED']);
    await createConfig(app);
    await eventually(async () => subscribed.received.length === 1, { what: 'the delivery' });
    await app.running.app.get(JobQueue).drain();
    expect(other.received).toHaveLength(0);
    expect(await deliveries(app, { endpointId: unsubscribed.id })).toEqual([]);
  });

  it('emails one message per event and recipient, with text and HTML parts', async () => {
    const before = smtp.received.length;
    const recipients = await Promise.all(
      ['Ops <ops@example.com>', 'dev@example.com'].map(async (spec, i) => {
        const response = await app.gql<{
          createEmailRecipient: { emailRecipient: { id: string } };
        }>(CREATE_RECIPIENT, {
          input: {
            environment: 'development',
            address: i === 0 ? 'OPS@example.com' : 'dev@example.com',
            name: i === 0 ? 'Ops' : undefined,
            eventTypes: ['CONFIG_CHANGED'],
          },
        });
        expect(response.errors).toBeUndefined();
        return { spec, id: response.data!.createEmailRecipient.emailRecipient.id };
      }),
    );
    const config = await createConfig(app);
    await eventually(async () => smtp.received.length - before >= 2, { what: 'two emails' });
    await app.running.app.get(JobQueue).drain();
    const mails = smtp.received.slice(before);
    expect(mails.map((m) => m.to).sort()).toEqual([['dev@example.com'], ['ops@example.com']]);
    for (const mail of mails) {
      expect(SmtpSink.header(mail, 'Subject')).toBe(
        `[Business Config] ${config.key}: create (version 1) in development`,
      );
      expect(mail.raw).toContain('text/plain');
      expect(mail.raw).toContain('text/html');
      expect(SmtpSink.text(mail)).toContain(
        `Open in the console: https://bc.example.com/console/configs/development/${config.key}`,
      );
      expect(SmtpSink.text(mail)).toContain(
        `<a href="https://bc.example.com/console/configs/development/${config.key}">`,
      );
    }
    const [delivery] = await deliveries(app, { recipientId: recipients[0].id });
    expect(delivery).toEqual(expect.objectContaining({ status: 'SUCCEEDED', attempts: 1 }));
    expect(
      SmtpSink.header(
        mails.find((m) => m.to[0] === 'ops@example.com')!,
        'Message-ID',
      ),
    ).toBe(`<${delivery.id}@business-config>`);

    // The job again (a retry, a duplicate) sends nothing more: the delivery row decides.
    const queue = app.running.app.get(JobQueue);
    await queue.add(DeliverNotificationJob, { deliveryId: delivery.id });
    await queue.drain();
    expect(smtp.received.length - before).toBe(2);
  });

  it('sends one email when two attempts of one delivery run at once', async () => {
    const response = await app.gql<{ createEmailRecipient: { emailRecipient: { id: string } } }>(
      CREATE_RECIPIENT,
      {
        input: {
          environment: 'development',
          address: 'race@example.com',
          eventTypes: ['ALERT_TRIGGERED'],
        },
      },
    );
    const recipientId = response.data!.createEmailRecipient.emailRecipient.id;
    const db = app.running.app.get(DataSource);
    const [{ id: environmentId }] = await db.query(
      `SELECT id FROM environment WHERE key = 'development'`,
    );
    // Recorded without dispatch, so only the two attempts below send it.
    const [deliveryId] = await db.transaction((manager) =>
      app.running.app.get(NotificationsService).record(
        manager,
        {
          id: 'alert.race',
          type: NotificationEventType.ALERT_TRIGGERED,
          environmentId,
          occurredAt: new Date(),
          summary: 'Error rate above 5%',
          data: { value: 0.07 },
        },
        { recipientIds: [recipientId] },
      ),
    );
    const deliverer = app.running.app.get(NotificationDeliverer);
    await Promise.all([deliverer.attempt(deliveryId), deliverer.attempt(deliveryId)]);
    expect(smtp.received.filter((m) => m.to.includes('race@example.com'))).toHaveLength(1);
    const [delivery] = await deliveries(app, { recipientId });
    expect(delivery).toEqual(expect.objectContaining({ status: 'SUCCEEDED', attempts: 1 }));
  });

  it('redelivers a delivery with the same webhook-id', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(app, target.url);
    await createConfig(app);
    const [delivery] = await deliveriesWhen(
      app,
      { endpointId: endpoint.id },
      (rows) => rows[0]?.status === 'SUCCEEDED',
      'the delivery',
    );
    const redelivered = await app.gql(
      `mutation ($input: RedeliverNotificationInput!) { redeliverNotification(input: $input) { delivery { id status } } }`,
      { input: { id: delivery.id } },
    );
    expect(redelivered.errors).toBeUndefined();
    await eventually(async () => target.received.length === 2, { what: 'the redelivery' });
    expect(target.received.map((r) => r.headers['webhook-id'])).toEqual([delivery.id, delivery.id]);
  });

  it('refuses bad input with BAD_USER_INPUT', async () => {
    const refused = async (mutation: string, input: Record<string, unknown>) => {
      const response = await app.gql(mutation, { input });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      return response.errors![0].extensions!.validationErrors as { path: string; rule: string }[];
    };
    const endpoint = { environment: 'development', eventTypes: ['CONFIG_CHANGED'] };
    expect(await refused(CREATE_ENDPOINT, { ...endpoint, url: 'ftp://example.com/' })).toEqual([
      expect.objectContaining({ path: 'input.url', rule: 'https' }),
    ]);
    expect(await refused(CREATE_ENDPOINT, { ...endpoint, url: 'http://2130706433/' })).toEqual([
      expect.objectContaining({ path: 'input.url', rule: 'hostForm' }),
    ]);
    expect(
      await refused(CREATE_ENDPOINT, { ...endpoint, url: 'https://example.com/', eventTypes: [] }),
    ).toEqual([expect.objectContaining({ path: 'input.eventTypes' })]);
    expect(
      await refused(CREATE_ENDPOINT, {
        ...endpoint,
        url: 'https://example.com/',
        eventTypes: ['TEST'],
      }),
    ).toEqual([expect.objectContaining({ path: 'input.eventTypes' })]);
    const recipient = { environment: 'development', eventTypes: ['CONFIG_CHANGED'] };
    expect(await refused(CREATE_RECIPIENT, { ...recipient, address: 'not-an-address' })).toEqual([
      expect.objectContaining({ path: 'input.address', rule: 'isEmail' }),
    ]);
    const injected = await refused(CREATE_RECIPIENT, {
      ...recipient,
      address: 'a@example.com\r\nBcc: b@example.com',
    });
    expect(injected).toContainEqual(
      expect.objectContaining({ path: 'input.address', rule: 'matches' }),
    );
    expect(
      await refused(CREATE_RECIPIENT, {
        ...recipient,
        address: 'a@example.com',
        name: 'A\nBcc: b',
      }),
    ).toEqual([expect.objectContaining({ path: 'input.name', rule: 'matches' })]);
  });

  it('refuses a second recipient with the same address (any case) with CONFLICT', async () => {
    const input = {
      environment: 'development',
      address: 'twice@example.com',
      eventTypes: ['CONFIG_CHANGED'],
    };
    expect((await app.gql(CREATE_RECIPIENT, { input })).errors).toBeUndefined();
    const again = await app.gql(CREATE_RECIPIENT, {
      input: { ...input, address: 'TWICE@example.com' },
    });
    expect(errorCode(again)).toBe('CONFLICT');
  });

  it('lists endpoints without their secrets; viewers and keys of another environment are refused', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(app, target.url);
    const listed = await app.gql<{ webhookEndpoints: { edges: unknown[] } }>(ENDPOINTS);
    expect(listed.data!.webhookEndpoints.edges.length).toBeGreaterThan(0);
    expect(JSON.stringify(listed.data)).not.toContain('whsec_');

    const viewer = await createApiKey(app, { roles: ['VIEWER'] });
    expect(errorCode(await app.gql(ENDPOINTS, {}, viewer.token))).toBe('FORBIDDEN');
    const created = await app.gql(
      `mutation { createEnvironment(input: { key: "staging", name: "Staging" }) { environment { id } } }`,
    );
    expect(created.errors).toBeUndefined();
    const staging = await createApiKey(app, { roles: ['EDITOR'], environment: 'staging' });
    expect(errorCode(await app.gql(ENDPOINTS, {}, staging.token))).toBe('FORBIDDEN');
    const update = await app.gql(
      `mutation ($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { webhookEndpoint { id } } }`,
      { input: { id: endpoint.id, enabled: false } },
      staging.token,
    );
    expect(errorCode(update)).toBe('FORBIDDEN');
  });

  it('keeps relaying changes when writing their notifications fails', async () => {
    const target = await receiver();
    await createEndpoint(app, target.url);
    const notifications = app.running.app.get(NotificationsService);
    const consume = jest
      .spyOn(notifications, 'consume')
      .mockRejectedValueOnce(new Error('notifications are broken'));
    try {
      const config = await createConfig(app);
      const db = app.running.app.get(DataSource);
      await eventually(
        async () => {
          const [row] = await db.query(
            `SELECT published_at FROM outbox_event WHERE payload->>'key' = $1`,
            [config.key],
          );
          return row?.published_at !== null && row !== undefined;
        },
        { what: 'the change to be relayed' },
      );
      expect(consume).toHaveBeenCalled();
      // Its notification was lost with the failure; the next change is notified again.
      const next = await createConfig(app);
      await eventually(
        async () => target.ofType('config.changed').some((r) => r.body.includes(next.key)),
        { what: 'the next change notified' },
      );
      expect(target.received.some((r) => r.body.includes(config.key))).toBe(false);
    } finally {
      consume.mockRestore();
    }
  });

  it('refuses a webhook endpoint past 50 in an environment, also when created at once', async () => {
    await app.gql(
      `mutation { createEnvironment(input: { key: "crowded", name: "Crowded" }) { environment { id } } }`,
    );
    const create = () =>
      app.gql(CREATE_ENDPOINT, {
        input: {
          environment: 'crowded',
          url: 'https://hooks.example.com/',
          eventTypes: ['CONFIG_CHANGED'],
        },
      });
    for (let i = 0; i < 48; i += 1) expect((await create()).errors).toBeUndefined();
    const [first, second, third] = await Promise.all([create(), create(), create()]);
    expect([first, second, third].map(errorCode).sort()).toEqual([
      'BAD_USER_INPUT',
      undefined,
      undefined,
    ]);
    const refused = [first, second, third].find((r) => r.errors)!;
    expect(refused.errors![0].extensions!.validationErrors).toEqual([
      expect.objectContaining({ path: 'input.environment', rule: 'maxChannels' }),
    ]);
  });
});

describe('notifications with the SSRF guard on (the default)', () => {
  jest.setTimeout(90_000);
  let app: TestApp;
  let target: WebhookReceiver;
  /** What the fake DNS answers: a public address first, then (rebinding) the receiver's. */
  let answers: string[];

  beforeAll(async () => {
    target = await new WebhookReceiver().start();
    app = await startTestApp({
      env: { NOTIFICATION_RETRY_BASE_MS: '50', WEBHOOK_DISABLE_AFTER_MS: '100' },
    });
    const resolver = app.running.app.get(HostResolver);
    const resolve = resolver.resolve.bind(resolver);
    resolver.resolve = async (hostname: string) => {
      if (hostname !== 'rebind.test') return resolve(hostname);
      const address = answers.length > 1 ? answers.shift()! : answers[0];
      return [{ address, family: 4 }];
    };
  });

  afterAll(async () => {
    await app?.close();
    await target?.stop();
  });

  it.each([
    ['plain http', 'http://hooks.example.com/', 'https'],
    ['a loopback literal', 'https://127.0.0.1/', 'privateAddress'],
    ['an IPv4-mapped IPv6 literal', 'https://[::ffff:7f00:1]/', 'privateAddress'],
    ['the metadata address', 'https://169.254.169.254/latest/meta-data', 'privateAddress'],
    ['CGNAT', 'https://100.64.1.1/', 'privateAddress'],
    ['a unique-local IPv6 literal', 'https://[fd00::1]/', 'privateAddress'],
    ['a hostname resolving to 127.0.0.1', 'https://localhost:8443/', 'privateAddress'],
    ['an octal IPv4', 'https://0177.0.0.1/', 'hostForm'],
  ])('refuses %s when the endpoint is created', async (_name, url, rule) => {
    const response = await app.gql(CREATE_ENDPOINT, {
      input: { environment: 'development', url, eventTypes: ['CONFIG_CHANGED'] },
    });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0].extensions!.validationErrors).toEqual([
      expect.objectContaining({ path: 'input.url', rule }),
    ]);
  });

  it('refuses at connect time a host that resolves to 127.0.0.1 after validation (DNS rebinding), and disables the failing endpoint', async () => {
    answers = ['93.184.216.34', '127.0.0.1'];
    const endpoint = await createEndpoint(app, `https://rebind.test:${target.port}/hook`);
    await createConfig(app);
    const [delivery] = await deliveriesWhen(
      app,
      { endpointId: endpoint.id },
      (rows) => rows[0]?.attempts >= 1 && rows[0].lastError !== null,
      'a refused attempt',
    );
    expect(delivery.lastError).toMatch(/Refused: rebind\.test: 127\.0\.0\.1 is a loopback address/);
    expect(delivery.responseCode).toBeNull();

    const disabled = await eventually(
      async () => {
        const listed = await app.gql<{
          webhookEndpoints: {
            edges: { node: { id: string; enabled: boolean; disabledReason: string | null } }[];
          };
        }>(ENDPOINTS);
        const node = listed.data!.webhookEndpoints.edges.find(
          (e) => e.node.id === endpoint.id,
        )!.node;
        return node.enabled ? undefined : node;
      },
      { what: 'the endpoint to be disabled', timeoutMs: 30_000 },
    );
    expect(disabled.disabledReason).toMatch(/^Every delivery failed since .*Refused/);
    const [last] = await deliveriesWhen(
      app,
      { endpointId: endpoint.id },
      (rows) => rows[0]?.status === 'FAILED',
      'the delivery to fail',
    );
    expect(last.lastError).toMatch(/Refused|disabled/);
    expect(target.received).toHaveLength(0);
  });
});
