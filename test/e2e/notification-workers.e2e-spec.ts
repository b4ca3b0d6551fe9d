import { DataSource } from 'typeorm';
import { startWorkerProcess, stopServiceProcesses } from '../support/service-process';
import {
  describeWithRedis,
  eventually,
  hasPostgres,
  startTestApp,
  TestApp,
} from '../support/test-app';
import { verifyWebhook, WebhookReceiver } from '../support/webhook-receiver';

const CREATE_ENDPOINT = `mutation ($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret webhookEndpoint { id } } }`;
const SEND_TEST = `mutation ($input: SendTestWebhookInput!) {
  sendTestWebhook(input: $input) { delivery { id } } }`;

/** A claim lasts 4 × WEBHOOK_TIMEOUT_MS + 30 s: 38 s here. */
const WEBHOOK_TIMEOUT_MS = '2000';

/**
 * Delivery by real worker processes (the built service, ROLE=worker) on real Redis and
 * BullMQ; the test app serves the API only, so no attempt is made in the test's own process.
 * Needs `npx tsc -p tsconfig.build.json` first (dist/src/main.js).
 */
(hasPostgres ? describeWithRedis : describe.skip)('notification delivery (workers)', () => {
  let api: TestApp;
  let db: DataSource;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    api = await startTestApp({ env: { ROLE: 'api', ALLOW_PRIVATE_WEBHOOKS: 'true' } });
    db = api.running.app.get(DataSource);
  });

  afterEach(async () => {
    await stopServiceProcesses();
  });

  afterAll(async () => {
    await api?.close();
    await receiver.stop();
  });

  const worker = () =>
    startWorkerProcess(api, {
      ALLOW_PRIVATE_WEBHOOKS: 'true',
      WEBHOOK_TIMEOUT_MS,
      NOTIFICATION_SWEEP_MS: '500',
    });

  async function deliveryRow(id: string) {
    const [row]: { status: string; attempts: number; claimed: boolean }[] = await db.query(
      `SELECT status, attempts, claimed_until > now() AS claimed
       FROM notification_delivery WHERE id = $1`,
      [id],
    );
    return row;
  }

  it('delivers, after a restart, a delivery whose worker was killed mid-attempt', async () => {
    const first = await worker();
    const created = await api.gql<{
      createWebhookEndpoint: { secret: string; webhookEndpoint: { id: string } };
    }>(CREATE_ENDPOINT, {
      input: { environment: 'development', url: receiver.url, eventTypes: ['CONFIG_CHANGED'] },
    });
    const { secret, webhookEndpoint } = created.data!.createWebhookEndpoint;

    // The receiver holds the first request open, and the worker sending it dies right then.
    receiver.hold = 1;
    const killed = new Promise<void>((resolve) => {
      receiver.onRequest = () => {
        receiver.onRequest = undefined;
        first.child.kill('SIGKILL');
        resolve();
      };
    });
    const sent = await api.gql<{ sendTestWebhook: { delivery: { id: string } } }>(SEND_TEST, {
      input: { id: webhookEndpoint.id },
    });
    expect(sent.errors).toBeUndefined();
    const deliveryId = sent.data!.sendTestWebhook.delivery.id;
    await killed;
    await first.exited;
    // The attempt never ended: nothing recorded, the row still claimed by the dead worker.
    expect(await deliveryRow(deliveryId)).toEqual({
      status: 'pending',
      attempts: 0,
      claimed: true,
    });

    await worker();
    await eventually(async () => (await deliveryRow(deliveryId)).status === 'succeeded', {
      what: 'the delivery to succeed after the restart',
      timeoutMs: 150_000,
    });
    expect(receiver.received).toHaveLength(2);
    for (const request of receiver.received) {
      expect(request.headers['webhook-id']).toBe(deliveryId);
      expect(verifyWebhook(secret, request)).toEqual(
        expect.objectContaining({ type: 'webhook.test' }),
      );
    }
    // One attempt recorded: the one that succeeded.
    expect(await deliveryRow(deliveryId)).toEqual({
      status: 'succeeded',
      attempts: 1,
      claimed: null,
    });
  }, 200_000);
});
