import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  checkPage,
  createKey,
  createStringConfig,
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
const CONFIG = `experiments.button-${RUN}`;
const EXPERIMENT = `button-color-${RUN}`;

describe('experiments', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    await createStringConfig(baseUrl, adminToken, CONFIG, 'blue');
    page = await newPage(browser);
    await signIn(page, baseUrl, adminToken, `/console/envs/production/configs/${CONFIG}`);
  });
  afterAll(() => browser?.close());

  it('creates an experiment through the form, weights kept at 100, errors at their field', async () => {
    // The config's page leads to its experiments, and from there to a new one on it.
    await page.getByRole('link', { name: 'Experiments', exact: true }).first().waitFor();
    await page.getByRole('main').getByRole('link', { name: 'Experiments', exact: true }).click();
    await page.getByText('None matches the filter').waitFor();
    await checkPage(page, 'experiments-list');
    await page.getByRole('link', { name: 'New experiment' }).click();

    await page.getByRole('textbox', { name: 'Key', exact: true }).fill(EXPERIMENT);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Button colour');
    // The variants start with the config's value.
    const control = page.getByRole('textbox', { name: 'Value of control' });
    await expect.poll(() => control.inputValue()).toBe('blue');
    await page.getByRole('textbox', { name: 'Value of treatment' }).fill('green');

    await page.getByRole('button', { name: 'Add variant' }).click();
    const weight = (name: string) => page.getByRole('textbox', { name: `Weight of ${name} (%)` });
    await expect.poll(() => weight('control').inputValue()).toBe('33.34');
    await expect(weight('variant-2').inputValue()).resolves.toBe('33.33');
    await page.getByRole('textbox', { name: 'Variant 3 key' }).fill('red');
    await page.getByRole('textbox', { name: 'Value of red' }).fill('red');
    // An edit is taken from the last variant: the sum stays 100.
    await weight('control').fill('50');
    await expect.poll(() => weight('red').inputValue()).toBe('16.67');
    await page.getByText('Weights sum to 100%').waitFor();
    // Editing the last past what the one before can give shows the sum and what to do.
    await weight('red').fill('90');
    await page.getByText('Weights sum to 173.33%: remove 73.33 points, or split evenly').waitFor();
    await page.getByRole('button', { name: 'Split evenly' }).click();
    await page.getByText('Weights sum to 100%').waitFor();

    // The server's validation error lands at the field its path names.
    const event = page.getByRole('textbox', { name: 'Primary metric: event name' });
    await event.fill('bad event!');
    await checkPage(page, 'experiment-form');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByText('The experiment was not saved').waitFor();
    await expect(event.getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByText(/^event: must be 1-100 letters/).waitFor();

    await event.fill('checkout');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByRole('heading', { name: 'Button colour' }).waitFor();
    await page.getByText('draft', { exact: true }).first().waitFor();
    const stored = await gql<{
      experiment: { status: string; variants: { key: string; value: string; weight: number }[] };
    }>(
      baseUrl,
      adminToken,
      `{ experiment(environment: "production", key: "${EXPERIMENT}") { status variants { key value weight } } }`,
    );
    expect(stored.experiment).toEqual({
      status: 'DRAFT',
      variants: [
        { key: 'control', value: 'blue', weight: 33.34 },
        { key: 'treatment', value: 'green', weight: 33.33 },
        { key: 'red', value: 'red', weight: 33.33 },
      ],
    });
  });

  it('edits the draft: a removed variant re-splits the weights evenly', async () => {
    await page.getByRole('link', { name: 'Edit draft' }).click();
    await page.getByRole('button', { name: 'Remove variant red' }).click();
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Weight of control (%)' }).inputValue())
      .toBe('50');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('heading', { name: 'Button colour' }).waitFor();
    await page.getByRole('cell', { name: '50%' }).first().waitFor();
    const stored = await gql<{ experiment: { variants: { key: string; weight: number }[] } }>(
      baseUrl,
      adminToken,
      `{ experiment(environment: "production", key: "${EXPERIMENT}") { variants { key weight } } }`,
    );
    expect(stored.experiment.variants).toEqual([
      { key: 'control', weight: 50 },
      { key: 'treatment', weight: 50 },
    ]);
  });

  it('starts the experiment after a confirmation that says what happens', async () => {
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/start getting the variants' values of/).waitFor();
    await dialog.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByText('Start: done.').waitFor();
    await page.getByText('running', { exact: true }).first().waitFor();
    await page.getByText('draft → running').waitFor();
    await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();
    await checkPage(page, 'experiment-detail');
    const stored = await gql<{ experiment: { status: string } }>(
      baseUrl,
      adminToken,
      `{ experiment(environment: "production", key: "${EXPERIMENT}") { status } }`,
    );
    expect(stored.experiment.status).toBe('RUNNING');

    // The list shows it running, linked to its page.
    await page.goto(`${baseUrl}/console/envs/production/experiments?status=RUNNING`);
    await page.getByRole('link', { name: 'Button colour' }).waitFor();
  });

  it('shows per-variant results, live, once subjects are served and convert', async () => {
    // The page is open before anything is served: the results update as counts arrive.
    await page.goto(`${baseUrl}/console/envs/production/experiments/${EXPERIMENT}`);
    await page.getByText('0 subjects exposed.', { exact: false }).waitFor();
    const { createApiKey } = await gql<{ createApiKey: { token: string } }>(
      baseUrl,
      adminToken,
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }',
      { input: { name: `e2e experiments sdk ${RUN}`, roles: ['SDK'], environment: 'production' } },
    );
    const sdkToken = createApiKey.token;
    const served = async (user: string) =>
      (
        await gql<{ evaluate: { reason: string; variant: string | null }[] }>(
          baseUrl,
          sdkToken,
          `query($context: JSON!, $keys: [String!]) {
            evaluate(environment: "production", context: $context, keys: $keys) { reason variant } }`,
          { context: { user: { id: user } }, keys: [CONFIG] },
        )
      ).evaluate[0];
    // The snapshot serves the experiment once the start reaches it.
    await expect
      .poll(async () => (await served('probe')).reason, { timeout: 15_000 })
      .toBe('EXPERIMENT');
    const users = Array.from({ length: 30 }, (_, i) => `user-${RUN}-${i}`);
    for (const user of users) await served(user);
    const occurredAt = new Date().toISOString();
    // Every other subject converts (the event waits for its exposure's flush, then counts).
    await gql(
      baseUrl,
      sdkToken,
      `mutation($input: TrackEventsInput!) { trackEvents(input: $input) { accepted } }`,
      {
        input: {
          events: users
            .filter((_, i) => i % 2 === 0)
            .map((subject, i) => ({
              id: `${RUN}-${i}`,
              eventName: 'checkout',
              subject,
              occurredAt,
            })),
        },
      },
    );
    const converted = async () => {
      const { experimentResults } = await gql<{
        experimentResults: { metrics: { variants: { converters: number | null }[] }[] };
      }>(
        baseUrl,
        adminToken,
        `{ experimentResults(environment: "production", key: "${EXPERIMENT}") {
          metrics { variants { converters } } } }`,
      );
      return experimentResults.metrics[0].variants.reduce((n, v) => n + (v.converters ?? 0), 0);
    };
    await expect.poll(converted, { timeout: 30_000, interval: 500 }).toBe(15);

    // No reload: the experimentUpdated subscription's counts bring the new results.
    await page.getByText(/^31 subjects exposed\./).waitFor();
    const table = page.getByRole('table', { name: 'Results for checkout' });
    await table.waitFor();
    await expect(table.getByRole('row').count()).resolves.toBe(3);
    // Too few subjects for a verdict: the minimum-sample progress and its warning say so.
    await page.getByRole('progressbar', { name: /^control: \d+ of 100 exposures$/ }).waitFor();
    await page.getByText('Read with care').waitFor();
    await expect(table.getByText('control', { exact: true }).count()).resolves.toBeGreaterThan(0);
    // The sequential p-value over time: today's point, in words and as numbers.
    const chart = page.getByRole('img', { name: /^Sequential p-value over time for checkout: / });
    await expect(chart.getAttribute('aria-label')).resolves.toMatch(/over 1 day\. treatment: /);
    await page
      .getByRole('button', {
        name: 'Show the numbers of “Sequential p-value over time for checkout” as a table',
      })
      .click();
    const days = page.getByRole('table', {
      name: 'Sequential p-value over time for checkout, by day',
    });
    await days
      .getByRole('cell', { name: new Date().toISOString().slice(0, 10), exact: true })
      .waitFor();
    await checkPage(page, 'experiment-results');
    // The dark theme keeps the badges, bars and banners readable.
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expectAccessible(page);
    await screenshots(page, 'experiment-results-dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
  });

  it('shows a viewer no edit buttons', async () => {
    const viewerToken = await createKey(baseUrl, adminToken, `e2e experiments viewer ${RUN}`, [
      'VIEWER',
    ]);
    const viewer = await newPage(browser);
    await signIn(viewer, baseUrl, viewerToken, `/console/envs/production/experiments`);
    await viewer.getByRole('link', { name: 'Button colour' }).click();
    await viewer.getByText('draft → running').waitFor();
    await expect(viewer.getByRole('group', { name: 'Lifecycle' }).count()).resolves.toBe(0);
    await expect(viewer.getByRole('button', { name: 'Pause' }).count()).resolves.toBe(0);
    await viewer.goto(`${baseUrl}/console/envs/production/experiments`);
    await viewer.getByRole('link', { name: 'Button colour' }).waitFor();
    await expect(viewer.getByRole('link', { name: 'New experiment' }).count()).resolves.toBe(0);
    await viewer.context().close();
  });

  it('completes the experiment with a winner, promoting its value to the config', async () => {
    await page.goto(`${baseUrl}/console/envs/production/experiments/${EXPERIMENT}`);
    await page.getByRole('button', { name: 'Complete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/The experiment ends for good/).waitFor();
    await dialog.getByRole('textbox', { name: 'Winner' }).click();
    await page.getByRole('option', { name: 'Treatment' }).click();
    await dialog
      .getByRole('checkbox', { name: "Make the winner's value the config's value" })
      .check();
    await dialog.getByRole('button', { name: 'Complete', exact: true }).click();
    await page.getByText(/now serves treatment's value \(version 2\)/).waitFor();
    await page.getByText('running → completed').waitFor();
    const stored = await gql<{ config: { value: string } }>(
      baseUrl,
      adminToken,
      `{ config(environment: "production", key: "${CONFIG}") { value } }`,
    );
    expect(stored.config.value).toBe('green');
  });

  it('pages through the experiments 25 at a time, filtered by status', async () => {
    const drafts = Array.from(
      { length: 26 },
      (_, i) =>
        `d${i}: createExperiment(input: { environment: "production", configKey: "${CONFIG}",
          key: "page-${RUN}-${String(i).padStart(2, '0')}", primaryMetric: { event: "buy", kind: CONVERSION },
          variants: [{ key: "a", value: "x", weight: 50, control: true }, { key: "b", value: "y", weight: 50 }] })
          { experiment { id } }`,
    );
    await gql(baseUrl, adminToken, `mutation { ${drafts.join('\n')} }`);
    await page.goto(`${baseUrl}/console/envs/production/experiments?status=DRAFT`);
    const table = page.getByRole('table', { name: 'Experiments' });
    await table.getByRole('link', { name: `page-${RUN}-24` }).waitFor();
    await expect(table.getByRole('link', { name: `page-${RUN}-25` }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Load more experiments' }).click();
    await table.getByRole('link', { name: `page-${RUN}-25` }).waitFor();
    await expect(page.getByRole('button', { name: 'Load more experiments' }).count()).resolves.toBe(
      0,
    );
    // The completed experiment is not a draft.
    await expect(table.getByRole('link', { name: 'Button colour' }).count()).resolves.toBe(0);
  });
});
