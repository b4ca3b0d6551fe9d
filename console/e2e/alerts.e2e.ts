import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, createKey, gql, launchBrowser, newPage, signIn } from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const RUN = Date.now();
// An environment of its own: its rules are the only ones the page lists.
const ENV = `alerts-${RUN}`;
const KEY = `checkout.flow-${RUN}`;

/** What an SDK reports: 200 evaluations of the config, 60 of them errors, just now. */
function reportErrors() {
  const now = Date.now();
  return gql(
    baseUrl,
    adminToken,
    `mutation($input: ReportUsageInput!) { reportUsage(input: $input) { accepted } }`,
    {
      input: {
        environment: ENV,
        batchId: randomUUID(),
        sdk: { name: 'console-e2e', version: '1.0.0' },
        entries: [
          {
            key: KEY,
            evaluations: 200,
            errors: [{ code: 'PARSE_ERROR', count: 60 }],
            periodStart: new Date(now - 2000).toISOString(),
            periodEnd: new Date(now).toISOString(),
          },
        ],
      },
    },
  );
}

describe('alerts', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    await gql(
      baseUrl,
      adminToken,
      `mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { key } } }`,
      { input: { key: ENV, name: 'Alerts flow' } },
    );
    await gql(
      baseUrl,
      adminToken,
      `mutation($input: CreateConfigInput!) { createConfig(input: $input) { config { version } } }`,
      {
        input: {
          environment: ENV,
          key: KEY,
          valueType: 'BOOLEAN',
          value: true,
          defaultValue: false,
        },
      },
    );
    await gql(
      baseUrl,
      adminToken,
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`,
      {
        input: {
          environment: ENV,
          url: 'https://hooks.example.com/alerts',
          description: 'Release bot',
          eventTypes: ['ALERT_TRIGGERED'],
        },
      },
    );
    await reportErrors();
    page = await newPage(browser);
    await signIn(page, baseUrl, adminToken, `/console/envs/${ENV}/configs`);
  });
  afterAll(() => browser?.close());

  it('creates a rule with a live preview of its metric, errors shown at their field', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Alerts' })
      .click();
    await page.getByText('No rule watches this environment yet').waitFor();
    await page.getByText('No rule has fired in this environment').waitFor();
    await checkPage(page, 'alerts-empty');
    await page.getByRole('link', { name: 'New alert rule' }).click();

    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Checkout errors');
    // Environment-wide and guarding deployments: the server refuses, at the switch.
    await page.getByRole('switch', { name: /Guards deployments/ }).check();
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.getByText('The rule was not saved').waitFor();
    await page
      .getByText(/only a rule on one config can guard its deployments/)
      .first()
      .waitFor();
    await page.getByRole('switch', { name: /Guards deployments/ }).uncheck();

    // The config: searched and picked. The preview then shows its error rate against 10%.
    const config = page.getByRole('textbox', { name: 'Config', exact: true });
    await config.fill(KEY.slice(0, 12));
    await page.getByRole('option', { name: KEY }).click();
    await page.getByRole('textbox', { name: 'Threshold (%)' }).fill('10');
    await page.getByRole('textbox', { name: 'Minimum sample' }).fill('50');
    const preview = page.getByRole('img', { name: /Error rate, last 24 hours:/ });
    await expect
      .poll(() => preview.getAttribute('aria-label'), { timeout: 20_000 })
      .toMatch(/30% at the end; the rule would cross 10% at [1-9]\d* of \d+ points/);
    await page
      .getByRole('button', { name: 'Show the numbers of “Error rate, last 24 hours” as a table' })
      .click();
    await page.getByRole('table', { name: 'Error rate, last 24 hours, by time' }).waitFor();
    await page
      .getByRole('button', { name: 'Hide the numbers of “Error rate, last 24 hours” as a table' })
      .click();

    await page.getByRole('textbox', { name: 'Webhook endpoints' }).click();
    await page.getByRole('option', { name: 'Release bot' }).click();
    await page.keyboard.press('Escape');
    await checkPage(page, 'alert-form');
    await page.getByRole('button', { name: 'Create rule' }).click();

    const rules = page.getByRole('table', { name: 'Alert rules' });
    await rules.getByRole('link', { name: 'Checkout errors' }).waitFor();
    await rules.getByText('Error rate > 10% over 5 min').waitFor();
    const stored = await gql<{
      alerts: {
        edges: { node: { threshold: number; configKey: string; webhookEndpointIds: string[] } }[];
      };
    }>(
      baseUrl,
      adminToken,
      `{ alerts(environment: "${ENV}") { edges { node { threshold configKey webhookEndpointIds } } } }`,
    );
    expect(stored.alerts.edges).toHaveLength(1);
    expect(stored.alerts.edges[0].node).toMatchObject({ threshold: 0.1, configKey: KEY });
    expect(stored.alerts.edges[0].node.webhookEndpointIds).toHaveLength(1);
  });

  it('shows the event the rule opens, live, and acknowledges it with a comment', async () => {
    // The evaluator runs every second on the test server; the page hears the event opening.
    await reportErrors();
    const events = page.getByRole('table', { name: 'Alert events' });
    const acknowledge = events.getByRole('button', { name: /^Acknowledge Checkout errors/ });
    await acknowledge.waitFor({ timeout: 30_000 });
    await events.getByText('30% (threshold 10%, sample').first().waitFor();
    await page.getByRole('table', { name: 'Alert rules' }).getByText('Open').waitFor();
    await checkPage(page, 'alerts-events');

    await acknowledge.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/stays unresolved until two evaluations in a row/).waitFor();
    await dialog.getByRole('textbox', { name: 'Comment' }).fill('Rolling the SDK back');
    await dialog.getByRole('button', { name: 'Acknowledge' }).click();
    await events.getByText('Rolling the SDK back').waitFor();
    await events.getByText('Acknowledged').waitFor();
    await expect(acknowledge.count()).resolves.toBe(0);
  });

  it('edits the rule: the form shows what is stored, rates in percent', async () => {
    await page
      .getByRole('table', { name: 'Alert rules' })
      .getByRole('link', { name: 'Checkout errors' })
      .click();
    const threshold = page.getByRole('textbox', { name: 'Threshold (%)' });
    await expect.poll(() => threshold.inputValue()).toBe('10');
    await threshold.fill('40');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page
      .getByRole('table', { name: 'Alert rules' })
      .getByText('Error rate > 40% over 5 min')
      .waitFor();
  });

  it('lets a viewer read the rules and events, without the buttons that change them', async () => {
    const token = await createKey(baseUrl, adminToken, `viewer ${RUN}`, ['VIEWER']);
    const viewer = await newPage(browser);
    try {
      await signIn(viewer, baseUrl, token, `/console/envs/${ENV}/alerts`);
      await viewer
        .getByRole('table', { name: 'Alert rules' })
        .getByText('Checkout errors')
        .waitFor();
      // The event (resolved by now: 30% no longer crosses 40%) keeps its acknowledgement.
      await viewer
        .getByRole('table', { name: 'Alert events' })
        .getByText('Rolling the SDK back')
        .waitFor();
      await expect(viewer.getByRole('button', { name: /^Acknowledge/ }).count()).resolves.toBe(0);
      await expect(viewer.getByRole('link', { name: 'New alert rule' }).count()).resolves.toBe(0);
    } finally {
      await viewer.context().close();
    }
  });
});
