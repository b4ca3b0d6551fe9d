import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  checkPage,
  expectAccessible,
  gql,
  launchBrowser,
  newPage,
  screenshots,
  signIn,
} from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const RUN = Date.now();
// An environment of its own: its sample rate changes here without touching other flows.
const ENV = `usage-${RUN}`;
const KEY = `banner.text-${RUN}`;
const UNUSED = `unused.flag-${RUN}`;
const RULE = {
  id: 'beta',
  condition: { attribute: 'user.beta', operator: 'equals', value: true },
  value: 'beta banner',
};

type Analytics = { configAnalytics: { environmentSeries: { totals: { evaluations: number } } } };

/** One GraphQL evaluation of the key for user u-42 on device d-7. */
function evaluate() {
  return gql(
    baseUrl,
    adminToken,
    `query($c: JSON!) { evaluate(environment: "${ENV}", context: $c, keys: ["${KEY}"]) { value } }`,
    { c: { user: { id: 'u-42', beta: true }, device: { id: 'd-7' } } },
  );
}

/** Rolls the flushed minute counts up into hours until the last day's analytics count them. */
async function rollUpUntilCounted(): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await gql(
      baseUrl,
      adminToken,
      'mutation { runMaintenance(input: { task: ROLLUP_USAGE }) { jobId } }',
    );
    const now = Date.now();
    const data = await gql<Analytics>(
      baseUrl,
      adminToken,
      `query($from: DateTime!, $to: DateTime!) { configAnalytics(environment: "${ENV}",
        from: $from, to: $to, granularity: HOUR) { environmentSeries { totals { evaluations } } } }`,
      { from: new Date(now - 86_400_000).toISOString(), to: new Date(now).toISOString() },
    );
    const counted = data.configAnalytics.environmentSeries.totals.evaluations;
    if (counted > 0) return counted;
    if (Date.now() > deadline) throw new Error('no evaluation counted within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

type FetchLog = { configFetchLog: { edges: { node: { userId: string } }[] } };

/** Evaluates for user u-42 until the fetch log holds a record of it (rates reload within 10 s). */
async function evaluateUntilSampled(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await evaluate();
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

/** Runs once per file, for whichever flow asks first; later callers share its promise. */
function once<T>(run: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= run());
}

/** Sampling at 100 % and a sampled fetch of user u-42: what the fetch-log flows read. */
const sampled = once(async () => {
  await gql(
    baseUrl,
    adminToken,
    `mutation($input: UpdateEnvironmentInput!) { updateEnvironment(input: $input) {
      environment { fetchLogSampleRate } } }`,
    { input: { key: ENV, fetchLogSampleRate: 1 } },
  );
  await evaluateUntilSampled();
});

/** The key evaluated and counted in the hourly rows: what the usage pages read. */
const counted = once(async () => {
  await evaluate();
  return rollUpUntilCounted();
});

// Each flow sets up what it reads (sampled, counted) and opens its page through the header,
// so any one of them runs alone (-t); run together, the set-up is done once.
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
    const create = (input: Record<string, unknown>) =>
      gql(
        baseUrl,
        adminToken,
        'mutation($input: CreateConfigInput!) { createConfig(input: $input) { config { version } } }',
        { input: { environment: ENV, ...input } },
      );
    await create({
      key: KEY,
      valueType: 'STRING',
      value: 'everyone',
      defaultValue: 'none',
      targetingRules: [RULE],
    });
    await create({ key: UNUSED, valueType: 'BOOLEAN', value: true, defaultValue: false });
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

  it('fetch log: pages through more records than one page holds', async () => {
    await sampled();
    await page.getByRole('link', { name: 'Fetch log' }).click();
    await page.getByRole('heading', { name: 'Fetch log' }).waitFor();
    // 50 records a page: 55 more evaluations, written by the next flushes (every 5 s).
    await Promise.all(Array.from({ length: 55 }, () => evaluate()));
    const count = `{ configFetchLog(environment: "${ENV}", first: 100) { edges { cursor } } }`;
    await expect
      .poll(
        async () =>
          (await gql<{ configFetchLog: { edges: unknown[] } }>(baseUrl, adminToken, count))
            .configFetchLog.edges.length,
        { timeout: 30_000, interval: 500 },
      )
      .toBeGreaterThan(55);
    await page.getByRole('button', { name: 'Refresh' }).click();
    const table = page.getByRole('table', { name: 'Sampled fetches' });
    await expect.poll(() => table.getByRole('row').count()).toBe(51);
    await page.getByRole('button', { name: 'Older records' }).click();
    await page.getByRole('button', { name: 'Newer records' }).waitFor();
    await expect.poll(() => table.getByRole('row').count()).toBeGreaterThan(1);
    await expect.poll(() => table.getByRole('row').count()).toBeLessThan(51);
    await page.getByRole('button', { name: 'Newer records' }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(51);
  });

  it('config page: "Why this value?" runs explainServed for the key and shows the explain tree', async () => {
    await sampled();
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

  it('analytics: charts and numbers of the evaluations, and the config in the top list', async () => {
    const evaluations = await counted();
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
    // The segmented control's radios are drawn as labels.
    await page.getByRole('group', { name: 'Range' }).getByText('24 h', { exact: true }).click();
    await expect(page.getByRole('radio', { name: '24 h' }).isChecked()).resolves.toBe(true);
    const totals = page.getByRole('list', { name: 'Totals of Whole environment' });
    await totals.getByText(evaluations.toLocaleString('en-US'), { exact: true }).first().waitFor();
    // One subject evaluated: user u-42 on device d-7.
    await expect(totals.textContent()).resolves.toMatch(/Unique users1Unique devices1/);
    const chart = page.getByRole('img', { name: /^Evaluations, 2[45] hours: Whole environment: / });
    await chart.locator('canvas').waitFor();
    await expect(chart.getAttribute('aria-label')).resolves.toContain(
      `Whole environment: ${evaluations.toLocaleString('en-US')} in all`,
    );
    const top = page.getByRole('table', { name: 'Most evaluated configs' });
    await top.getByRole('link', { name: KEY }).waitFor();
    await page
      .getByRole('button', { name: 'Show the numbers of “Evaluations” as a table' })
      .click();
    await page.getByRole('table', { name: 'Evaluations, by period' }).waitFor();
    await checkPage(page, 'analytics');
    // At phone width the charts shrink with the page: nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
    // The charts take the dark theme's colours and stay accessible.
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect(
      page.evaluate(() => document.documentElement.getAttribute('data-mantine-color-scheme')),
    ).resolves.toBe('dark');
    await chart.locator('canvas').waitFor();
    await expectAccessible(page);
    await screenshots(page, 'analytics-dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
  });

  it("config page: the Usage tab shows the key's last 7 days and links to analytics and its fetch log", async () => {
    await counted();
    await page.goto(`${baseUrl}/console/envs/${ENV}/configs/${encodeURIComponent(KEY)}`);
    await page.getByRole('tab', { name: 'Usage' }).click();
    const usage = page.getByRole('region', { name: 'Usage' });
    const totals = usage.getByRole('list', { name: 'Last 7 days' });
    await totals.waitFor();
    await expect(totals.textContent()).resolves.toMatch(/Evaluations[1-9]/);
    await usage
      .getByRole('img', { name: new RegExp(`^Evaluations, 16[89] hours: ${KEY}`) })
      .waitFor();
    await checkPage(page, 'config-usage');
    // The per-config breakdown: analytics opened for this key draws its own line.
    await usage.getByRole('link', { name: 'Open in analytics' }).click();
    await page
      .getByRole('img', { name: new RegExp(`^Evaluations, \\d+ hours: ${KEY}: [1-9]`) })
      .waitFor();
    await page.getByRole('list', { name: `Totals of ${KEY}` }).waitFor();
    await page.goBack();
    await page.getByRole('tab', { name: 'Usage' }).click();
    await usage.getByRole('link', { name: 'Fetch log of this config' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/fetch-log') && url.search.includes(KEY));
    await expect(page.getByLabel('Config key').inputValue()).resolves.toBe(KEY);
  });

  it('stale configs: lists the config never evaluated, not the one in use', async () => {
    await counted();
    await page.getByRole('link', { name: 'Stale configs' }).click();
    await page.getByLabel('Days').fill('1');
    const table = page.getByRole('table', { name: 'Stale configs' });
    const unused = table.getByRole('row').filter({ hasText: UNUSED });
    await unused.getByText('not evaluated').waitFor();
    await expect(table.getByRole('link', { name: KEY }).count()).resolves.toBe(0);
    await checkPage(page, 'stale-configs');
  });

  it('stale configs: a request that cannot reach the server says so, and Retry recovers', async () => {
    await page.getByRole('link', { name: 'Stale configs' }).click();
    await page.getByRole('table', { name: 'Stale configs' }).waitFor();
    await page.route('**/graphql', (route) => route.abort('connectionrefused'));
    await page.getByLabel('Days').fill('2');
    const alert = page.getByRole('alert');
    await alert.getByText(/Cannot reach the server/).waitFor();
    await page.unroute('**/graphql');
    await alert.getByRole('button', { name: 'Retry' }).click();
    await alert.waitFor({ state: 'detached' });
    await page
      .getByRole('table', { name: 'Stale configs' })
      .getByRole('link', { name: UNUSED })
      .waitFor();
  });
});
