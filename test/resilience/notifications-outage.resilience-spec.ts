import { createConfig } from '../factories/config.factory';
import { hasRedisServer, OwnRedis } from '../support/own-redis';
import { eventually, hasPostgres, startTestApp, TestApp } from '../support/test-app';
import { verifyWebhook, WebhookReceiver } from '../support/webhook-receiver';

const describeOwnRedis =
  hasPostgres && hasRedisServer('Notification outage tests') ? describe : describe.skip;

const CREATE_ENDPOINT = `mutation ($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret webhookEndpoint { id } } }`;
const SEND_TEST = `mutation ($input: SendTestWebhookInput!) {
  sendTestWebhook(input: $input) { delivery { id status } } }`;

describeOwnRedis('notifications while Redis is down', () => {
  jest.setTimeout(90_000);
  const redis = new OwnRedis();
  const receiver = new WebhookReceiver();
  let app: TestApp;
  let endpoint: { id: string; secret: string };

  beforeAll(async () => {
    await Promise.all([redis.start(), receiver.start()]);
    app = await startTestApp({
      env: {
        REDIS_URL: redis.url,
        ALLOW_PRIVATE_WEBHOOKS: 'true',
        NOTIFICATION_RETRY_BASE_MS: '50',
        NOTIFICATION_SWEEP_MS: '200',
        OUTBOX_SWEEP_MS: '200',
      },
    });
    const created = await app.gql<{
      createWebhookEndpoint: { secret: string; webhookEndpoint: { id: string } };
    }>(CREATE_ENDPOINT, {
      input: { environment: 'development', url: receiver.url, eventTypes: ['CONFIG_CHANGED'] },
    });
    endpoint = {
      id: created.data!.createWebhookEndpoint.webhookEndpoint.id,
      secret: created.data!.createWebhookEndpoint.secret,
    };
    await redis.stop();
  });

  afterAll(async () => {
    await redis.start();
    await app?.close();
    await redis.stop();
    await receiver.stop();
  });

  it('answers sendTestWebhook with a pending delivery, and delivers it once Redis is back', async () => {
    const sent = await app.gql<{ sendTestWebhook: { delivery: { id: string; status: string } } }>(
      SEND_TEST,
      { input: { id: endpoint.id } },
    );
    expect(sent.errors).toBeUndefined();
    const delivery = sent.data!.sendTestWebhook.delivery;
    expect(delivery.status).toBe('PENDING');
    expect(receiver.received).toHaveLength(0);

    // Back empty, as after a crash without persistence: the sweep finds the delivery due.
    await redis.start();
    await eventually(async () => receiver.ofType('webhook.test').length > 0, {
      what: 'the test event after Redis came back',
      timeoutMs: 60_000,
    });
    const [request] = receiver.ofType('webhook.test');
    expect(request.headers['webhook-id']).toBe(delivery.id);
    expect(verifyWebhook(endpoint.secret, request)).toEqual(
      expect.objectContaining({ type: 'webhook.test' }),
    );
    await redis.stop();
  });

  it('notifies a config change committed during the outage once Redis is back', async () => {
    const config = await createConfig(app);
    await redis.start();
    await eventually(
      async () => receiver.ofType('config.changed').some((r) => r.body.includes(config.key)),
      { what: 'the change notified after Redis came back', timeoutMs: 60_000 },
    );
  });
});
