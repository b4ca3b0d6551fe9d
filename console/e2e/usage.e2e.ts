import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, gql, launchBrowser, newPage, signIn } from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const RUN = Date.now();
// An environment of its own: its sample rate changes here without touching other flows.
const ENV = `usage-${RUN}`;
const KEY = `banner.text-${RUN}`;
const RULE = {
  id: 'beta',
  condition: { attribute: 'user.beta', operator: 'equals', value: true },
  value: 'beta banner',
};

type FetchLog = { configFetchLog: { edges: { node: { userId: string } }[] } };

/** Evaluates for user u-42 until the fetch log holds a record of it (rates reload within 10 s). */
async function evaluateUntilSampled(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await gql(
      baseUrl,
      adminToken,
      `query($c: JSON!) { evaluate(environment: "${ENV}", context: $c, keys: ["${KEY}"]) { value } }`,
      { c: { user: { id: 'u-42', beta: true }, device: { id: 'd-7' } } },
    );
    const log = await gql<FetchLog>(
      baseUrl,
      adminToken,
      `{ configFetchLog(environment: "${ENV}", filter: { userId: "u-42" }, first: 1) {
        edges { node { userId } } } }`,
    );
    if (log.configFetchLog.edges.length > 0) return;
    if (Date.now() > deadline) throw new Error('no fetch was sampled within 60 s at rate 1');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('usage pages', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    await gql(
      baseUrl,
      adminToken,
      `mutation($e: CreateEnvironmentInput!) { createEnvironment(input: $e) { environment { key } } }`,
      { e: { key: ENV, name: `Usage ${RUN}` } },
    );
    await gql(
      baseUrl,
      adminToken,
      'mutation($input: CreateConfigInput!) { createConfig(input: $input) { config { version } } }',
      {
        input: {
          environment: ENV,
          key: KEY,
          valueType: 'STRING',
          value: 'everyone',
          defaultValue: 'none',
          targetingRules: [RULE],
        },
      },
    );
    page = await newPage(browser);
    await signIn(page, baseUrl, adminToken, `/console/envs/${ENV}/configs`);
  });
  afterAll(() => browser?.close());

  it('fetch log: says how to turn sampling on, then shows a sampled record at rate 100 %', async () => {
    await page.getByRole('link', { name: 'Fetch log' }).click();
    await page.getByRole('heading', { name: 'Fetch log' }).waitFor();
    await page.getByText('No sampled fetches').waitFor();
    await page.getByText(/Use “Change sampling” above/).waitFor();
    await page.getByRole('button', { name: 'Change sampling' }).click();
    await page.getByLabel('Sample rate (%)').fill('100');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const sampling = page.getByRole('region', { name: 'Sampling' });
    await sampling.getByText('every request').waitFor();

    await evaluateUntilSampled();
    await page.getByLabel('User id').fill('u-42');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const table = page.getByRole('table', { name: 'Sampled fetches' });
    await table.waitFor();
    const row = table.getByRole('row').nth(1);
    await expect(row.textContent()).resolves.toMatch(
      new RegExp(`${KEY.replace(/\./g, '\\.')}.*u-42.*d-7.*TARGETING_MATCH.*rule beta.*GRAPHQL`),
    );
    await checkPage(page, 'fetch-log');
  });

  it('config page: "Why this value?" runs explainServed for the key and shows the explain tree', async () => {
    await page.goto(`${baseUrl}/console/envs/${ENV}/configs/${encodeURIComponent(KEY)}`);
    await page.getByRole('tab', { name: 'Why this value?' }).click();
    await page.getByLabel('Context').fill(JSON.stringify({ user: { id: 'u-42', beta: true } }));
    await page.getByRole('button', { name: 'Explain' }).click();
    const served = page.getByRole('region', { name: 'What was served' });
    await served.getByText('Version 1, set by the create').waitFor();
    await expect(served.textContent()).resolves.toMatch(/"beta banner".*TARGETING_MATCH.*beta/);
    const explanation = served.getByRole('list', { name: 'Explanation' });
    await expect(explanation.textContent()).resolves.toMatch(/user\.beta equals — actual true/);
    // The sampled fetches of that subject around that time come with the answer.
    await served.getByRole('table', { name: 'Sampled fetches' }).waitFor();
    await checkPage(page, 'config-why');
  });
});
