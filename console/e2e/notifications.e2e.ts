import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, createKey, gql, launchBrowser, newPage, signIn } from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const RUN = Date.now();
/** An environment of this file's own: no other flow's changes notify its channels. */
const ENV = `notify-${RUN}`;

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 that records every request and answers 200. */
class Receiver {
  readonly received: Received[] = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.received.push({
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.end();
    });
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Verifies a request as a receiver would, with the standardwebhooks package. */
function verify(secret: string, request: Received): { type: string } {
  return new Webhook(secret.replace(/^whsec_/, '')).verify(request.body, {
    'webhook-id': request.headers['webhook-id'],
    'webhook-timestamp': request.headers['webhook-timestamp'],
    'webhook-signature': request.headers['webhook-signature'],
  }) as { type: string };
}

describe('notifications', () => {
  let browser: Browser;
  let page: Page;
  const receiver = new Receiver();
  let secret = '';
  let previousSecret = '';

  /** The delivery log's row of the newest delivery of this event type. */
  const logRow = (event: string) =>
    page.getByRole('table', { name: 'Deliveries' }).getByRole('row').filter({ hasText: event });

  beforeAll(async () => {
    await receiver.start();
    browser = await launchBrowser();
    await gql(
      baseUrl,
      adminToken,
      `mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { key } } }`,
      { input: { key: ENV, name: `Notify ${RUN}` } },
    );
    page = await newPage(browser);
    await signIn(page, baseUrl, adminToken, `/console/envs/${ENV}/notifications`);
  });
  afterAll(async () => {
    await browser?.close();
    await receiver.stop();
  });

  it('creates a webhook endpoint, refusing bad URLs at the field, and shows its secret once', async () => {
    await page.getByText('No webhook endpoints').waitFor();
    await page.getByRole('button', { name: 'New webhook endpoint' }).click();
    const url = page.getByRole('textbox', { name: 'URL' });
    const create = page.getByRole('button', { name: 'Create endpoint' });

    // The server's checks, at the URL field: another scheme, then an IPv4 in octal (an SSRF form).
    await url.fill('ftp://hooks.example.com/');
    await create.click();
    await page.getByText('must be an https:// URL').waitFor();
    await expect(url.getAttribute('aria-invalid')).resolves.toBe('true');
    await url.fill('https://0177.0.0.1/hook');
    await create.click();
    await page
      .getByText(/write the IPv4 address as four decimal numbers \(127\.0\.0\.1\)/)
      .waitFor();
    await checkPage(page, 'webhook-endpoint-form');

    await url.fill(receiver.url);
    await page.getByRole('textbox', { name: 'Description' }).fill('e2e receiver');
    await page.getByRole('checkbox', { name: /Experiment status changed/ }).check();
    await create.click();
    await page.getByText('Endpoint created: its signing secret').waitFor();
    secret = (await page.getByLabel('Signing secret', { exact: true }).textContent()) ?? '';
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    await page.getByRole('button', { name: 'Copy secret' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: receiver.url });
    await row.getByText('enabled').waitFor();
    await row.getByText('Config changed, Experiment status changed').waitFor();
    await checkPage(page, 'webhook-endpoints');

    // Shown once: the endpoint's own page has no secret to show.
    await page.getByRole('link', { name: receiver.url, exact: true }).first().click();
    await page.getByRole('heading', { name: receiver.url }).waitFor();
    await expect(page.getByLabel('Signing secret', { exact: true }).count()).resolves.toBe(0);
  });

  it('sends a test event: the receiver verifies its signature and the log shows it succeeded', async () => {
    await page.getByRole('button', { name: 'Send test event' }).click();
    const outcome = page.getByRole('status').filter({ hasText: 'Test event delivered' });
    await outcome.waitFor();
    await outcome.getByText(/Delivered \(HTTP 200 in \d+ ms\) after 1 attempt/).waitFor();

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(verify(secret, request).type).toBe('webhook.test');
    await outcome.getByText(request.headers['webhook-id']).waitFor();

    const row = logRow('Test event');
    await row.getByText('succeeded').waitFor();
    await expect(row.getByRole('cell').nth(3).textContent()).resolves.toBe('200');
    await expect(row.getByRole('cell').nth(5).textContent()).resolves.toBe('1');
    await checkPage(page, 'webhook-endpoint');
  });

  it('redelivers a delivery with the same webhook-id', async () => {
    const row = logRow('Test event');
    await row.getByRole('button', { name: 'Redeliver' }).click();
    // The log follows the pending delivery until its attempt is recorded.
    await expect
      .poll(() => row.getByRole('cell').nth(5).textContent(), { timeout: 30_000 })
      .toBe('2');
    await row.getByText('succeeded').waitFor();
    expect(receiver.received).toHaveLength(2);
    const [first, again] = receiver.received;
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(verify(secret, again).type).toBe('webhook.test');
  });

  it('rotates the secret: during the overlap both secrets verify a delivery', async () => {
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/each request carries both signatures/).waitFor();
    await expect(dialog.getByRole('radio', { name: '1 day' }).isChecked()).resolves.toBe(true);
    await checkPage(page, 'webhook-rotate-secret');
    await dialog.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('New signing secret').waitFor();
    await page.getByText(/every delivery carries two signatures/).waitFor();
    previousSecret = secret;
    secret = (await page.getByLabel('Signing secret', { exact: true }).textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(previousSecret);

    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('status').filter({ hasText: 'Test event delivered' }).waitFor();
    expect(receiver.received).toHaveLength(3);
    const rotated = receiver.received[2];
    expect(rotated.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verify(secret, rotated).type).toBe('webhook.test');
    expect(verify(previousSecret, rotated).type).toBe('webhook.test');
  });

  it('edits the endpoint, shows a refused URL at its field, and turns it off and on', async () => {
    const settings = page.getByRole('form', { name: 'Endpoint settings' });
    const description = settings.getByRole('textbox', { name: 'Description' });
    await description.fill('e2e receiver, renamed');
    await settings.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('e2e receiver, renamed').first().waitFor();

    const url = settings.getByRole('textbox', { name: 'URL' });
    await url.fill('ftp://hooks.example.com/');
    await settings.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('must be an https:// URL').waitFor();
    await expect(url.getAttribute('aria-invalid')).resolves.toBe('true');
    await url.fill(receiver.url);

    const enabled = page.getByRole('switch', { name: 'Enabled' });
    await enabled.click({ force: true });
    await page.getByText('Enable the endpoint to send it a test event.').waitFor();
    await expect(page.getByRole('button', { name: 'Send test event' }).isDisabled()).resolves.toBe(
      true,
    );
    await enabled.click({ force: true });
    await expect
      .poll(() => page.getByRole('button', { name: 'Send test event' }).isEnabled(), {
        timeout: 30_000,
      })
      .toBe(true);
  });

  it("lists the environment's deliveries with where they went, filtered by status", async () => {
    await page.getByRole('link', { name: 'Delivery log' }).click();
    const table = page.getByRole('table', { name: 'Deliveries' });
    await table.getByRole('link', { name: receiver.url, exact: true }).first().waitFor();
    await expect(table.getByRole('row').filter({ hasText: 'Test event' }).count()).resolves.toBe(2);
    await checkPage(page, 'notification-deliveries');
    await table.getByRole('button', { name: 'Payload' }).first().click();
    const payload = page.getByRole('dialog', { name: 'Payload sent' });
    await payload.getByText(/"type": "webhook\.test"/).waitFor();
    await payload.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('textbox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'failed' }).click();
    await page.getByText('No delivery matches these filters.').waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('FAILED');
  });

  it('deletes the endpoint after a confirmation', async () => {
    await page.getByRole('link', { name: 'Webhook endpoints', exact: true }).click();
    await page.getByRole('link', { name: receiver.url, exact: true }).click();
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/its delivery log is deleted/).waitFor();
    await dialog.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByText('No webhook endpoints').waitFor();
    const listed = await gql<{ webhookEndpoints: { edges: unknown[] } }>(
      baseUrl,
      adminToken,
      `{ webhookEndpoints(environment: "${ENV}") { edges { node { id } } } }`,
    );
    expect(listed.webhookEndpoints.edges).toEqual([]);
  });

  it('adds an email recipient, refusing an invalid address at its field, and removes it', async () => {
    await page.getByRole('link', { name: 'Email recipients' }).click();
    await page.getByText('No email recipients').waitFor();
    const address = page.getByRole('textbox', { name: 'Email address' });
    await address.fill('not-an-address');
    await page.getByRole('button', { name: 'Add recipient' }).click();
    await page.getByText('address must be an email address').waitFor();
    await expect(address.getAttribute('aria-invalid')).resolves.toBe('true');
    await checkPage(page, 'email-recipient-form');

    await page.getByRole('textbox', { name: 'Name' }).fill('Ops');
    await address.fill('Ops@Example.com');
    await page.getByRole('checkbox', { name: /Alert triggered/ }).check();
    await page.getByRole('button', { name: 'Add recipient' }).click();
    const row = page.getByRole('row').filter({ hasText: 'ops@example.com' });
    await row.getByText('Ops', { exact: true }).waitFor();
    await row.getByText('Config changed, Alert triggered').waitFor();
    await checkPage(page, 'email-recipients');

    // The switch follows the server's answer, so it changes once the update is saved.
    await row.getByRole('switch', { name: 'Enabled: ops@example.com' }).click({ force: true });
    await row.getByText('off', { exact: true }).waitFor();
    const stored = await gql<{ emailRecipients: { edges: { node: { enabled: boolean } }[] } }>(
      baseUrl,
      adminToken,
      `{ emailRecipients(environment: "${ENV}") { edges { node { enabled } } } }`,
    );
    expect(stored.emailRecipients.edges).toEqual([{ node: { enabled: false } }]);

    await row.getByRole('button', { name: 'Delete ops@example.com' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete recipient' }).click();
    await page.getByText('No email recipients').waitFor();
  });

  it('tells a viewer that notifications are for editors, and offers no link to them', async () => {
    const viewerToken = await createKey(baseUrl, adminToken, `e2e notify viewer ${RUN}`, [
      'VIEWER',
    ]);
    const viewer = await newPage(browser);
    await signIn(viewer, baseUrl, viewerToken, `/console/envs/${ENV}/notifications/webhooks`);
    await viewer.getByText('Editors only').waitFor();
    await expect(
      viewer
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Notifications' })
        .count(),
    ).resolves.toBe(0);
    await viewer.context().close();
  });
});
