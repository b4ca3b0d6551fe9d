import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, gql, launchBrowser, newPage, signIn } from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const KEY = `checkout.colour-${Date.now()}`;
const BETA_RULE = {
  id: 'beta-testers',
  condition: { attribute: 'user.beta', operator: 'equals', value: true },
  value: 'purple',
};

interface Entry {
  id: string;
  configVersion: number;
  createdAt: string;
}

describe('why did a subject get a value', () => {
  let browser: Browser;
  let page: Page;
  let entries: Entry[];

  beforeAll(async () => {
    browser = await launchBrowser();
    await gql(
      baseUrl,
      adminToken,
      'mutation($input: CreateConfigInput!) { createConfig(input: $input) { config { version } } }',
      {
        input: {
          environment: 'production',
          key: KEY,
          valueType: 'STRING',
          value: 'blue',
          defaultValue: 'grey',
        },
      },
    );
    // The rule's change gets a later time than the creation.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await gql(
      baseUrl,
      adminToken,
      'mutation($input: UpdateConfigInput!) { updateConfig(input: $input) { config { version } } }',
      {
        input: {
          environment: 'production',
          key: KEY,
          expectedVersion: 1,
          targetingRules: [BETA_RULE],
          comment: 'beta testers see purple',
        },
      },
    );
    const history = await gql<{ configChanges: { edges: { node: Entry }[] } }>(
      baseUrl,
      adminToken,
      `query($filter: ConfigChangeFilter) { configChanges(environment: "production", filter: $filter, first: 10) {
        edges { node { id configVersion createdAt } } } }`,
      { filter: { configKey: KEY } },
    );
    entries = history.configChanges.edges.map((e) => e.node).reverse();
    page = await newPage(browser);
    await signIn(page, baseUrl, adminToken, '/console/envs/production/configs');
  });
  afterAll(() => browser?.close());

  async function ask(context: unknown, at: string, key = KEY) {
    await page.getByRole('textbox', { name: /^Config key/ }).fill(key);
    await page.getByLabel('Context').fill(JSON.stringify(context));
    await page.getByLabel('At (date-time)').fill(at);
    await page.getByRole('button', { name: 'Explain' }).click();
  }

  it('answers for a time before the rule was added, naming the version it came from', async () => {
    await page.getByRole('link', { name: 'Why this value?' }).click();
    await page.getByRole('heading', { name: 'Why did a subject get a value?' }).waitFor();
    const [created, ruled] = entries.map((e) => Date.parse(e.createdAt));
    const between = new Date(Math.floor((created + ruled) / 2)).toISOString();
    await ask({ user: { id: 'u-1', beta: true } }, between);
    const served = page.getByRole('region', { name: 'What was served' });
    await served.getByText('Version 1, set by the create').waitFor();
    await expect(served.textContent()).resolves.toMatch(/"blue".*FALLTHROUGH/);
  });

  it('explains the rule that matched now, with the explanation list and a link to the history', async () => {
    await ask({ user: { id: 'u-1', beta: true } }, '');
    const served = page.getByRole('region', { name: 'What was served' });
    await served.getByText('Version 2, set by the update').waitFor();
    await expect(served.textContent()).resolves.toMatch(
      /"purple".*TARGETING_MATCH.*beta-testers.*beta testers see purple/,
    );
    const explanation = served.getByRole('list', { name: 'Explanation' });
    await expect(explanation.textContent()).resolves.toMatch(/user\.beta equals — actual true/);
    await checkPage(page, 'explain-served');
    await served.getByRole('link', { name: 'see version 2 in the history' }).click();
    await page.waitForURL(
      (url) =>
        url.pathname === '/console/envs/production/history' &&
        url.searchParams.get('config') === KEY &&
        url.hash === `#change-${entries[1].id}`,
    );
    await page.getByText('“beta testers see purple”').waitFor();
    await page.goBack();
  });

  it('says what is wrong with a time before asking, and shows the server refusing a context', async () => {
    await page.getByRole('heading', { name: 'Why did a subject get a value?' }).waitFor();
    const at = page.getByLabel('At (date-time)');
    await ask({ user: { id: 'u-1' } }, 'yesterday');
    await expect.poll(() => at.getAttribute('aria-invalid')).toBe('true');
    await page.getByText(/^Not a date-time/).waitFor();
    await ask([1, 2], '');
    await page
      .getByRole('alert')
      .getByText(/context must be a JSON object/)
      .waitFor();
  });

  it('shows which state of the deployment active then served the subject, and why', async () => {
    const key = `${KEY}.deployed`;
    const mutate = (name: string, input: Record<string, unknown>) =>
      gql<Record<string, { deployment: { id: string } }>>(
        baseUrl,
        adminToken,
        `mutation($input: ${name[0].toUpperCase()}${name.slice(1)}Input!) {
          ${name}(input: $input) { deployment { id } } }`,
        { input },
      );
    await gql(
      baseUrl,
      adminToken,
      'mutation($input: CreateConfigInput!) { createConfig(input: $input) { config { version } } }',
      {
        input: {
          environment: 'production',
          key,
          valueType: 'STRING',
          value: 'blue',
          defaultValue: 'grey',
        },
      },
    );
    const started = await mutate('startDeployment', {
      environment: 'production',
      key,
      expectedVersion: 1,
      candidate: { value: 'teal' },
      strategy: 'LINEAR',
      parameters: { percentages: [10, 40, 100], intervalSeconds: 3600 },
    });
    const { id } = started.startDeployment.deployment;
    await mutate('advanceDeployment', { id });
    const at = new Date().toISOString();
    // The rollback is committed a moment after the time asked about.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await mutate('rollbackDeployment', { id, reason: 'error rate up' });

    await ask({ user: { id: 'u-1' } }, at, key);
    const deployment = page.getByRole('region', { name: 'Deployment then' });
    await deployment
      .getByText(
        `Deployment ${id.slice(0, 8)} was in progress at step 2, serving its candidate to 40% of subjects.`,
      )
      .waitFor();
    const value = await page.getByRole('region', { name: 'What was served' }).textContent();
    await expect(deployment.textContent()).resolves.toMatch(
      value!.includes('"teal"')
        ? /CANDIDATE.*below 4000: it got the candidate state/
        : /STABLE.*not below 4000: it got the stable state/,
    );
    await checkPage(page, 'explain-served-deployment');
    await deployment.getByRole('link', { name: 'see that step in the history' }).click();
    await page.waitForURL(
      (url) =>
        url.pathname === '/console/envs/production/history' && url.hash.startsWith('#change-'),
    );
    await page.goBack();
    await page.getByRole('heading', { name: 'Why did a subject get a value?' }).waitFor();
  });

  it("lists the subject's sampled fetches near that time", async () => {
    const sampled = { user: { id: 'u-sampled', beta: true } };
    await setSampleRate(1);
    try {
      // Evaluated until a record is written: the rate reaches the sampler, and the
      // recorder writes its buffer, a moment after.
      await expect
        .poll(
          async () => {
            await gql(
              baseUrl,
              adminToken,
              `query($keys: [String!], $context: JSON!) {
                evaluate(environment: "production", context: $context, keys: $keys) { key } }`,
              { keys: [KEY], context: sampled },
            );
            const log = await gql<{ configFetchLog: { edges: unknown[] } }>(
              baseUrl,
              adminToken,
              `query($filter: ConfigFetchLogFilter) {
                configFetchLog(environment: "production", filter: $filter, first: 1) { edges { cursor } } }`,
              { filter: { key: KEY, userId: 'u-sampled' } },
            );
            return log.configFetchLog.edges.length;
          },
          { timeout: 20_000, interval: 500 },
        )
        .toBeGreaterThan(0);
    } finally {
      await setSampleRate(0.01);
    }
    await ask(sampled, '');
    const fetches = page.getByRole('table', { name: 'Sampled fetches' });
    await fetches.waitFor();
    await expect(fetches.textContent()).resolves.toMatch(
      /GRAPHQL.*TARGETING_MATCH.*beta-testers.*2/,
    );
    await expect(page.getByText(/^No sampled fetch/).count()).resolves.toBe(0);
  });
});

function setSampleRate(fetchLogSampleRate: number) {
  return gql(
    baseUrl,
    adminToken,
    `mutation($input: UpdateEnvironmentInput!) {
      updateEnvironment(input: $input) { environment { fetchLogSampleRate } } }`,
    { input: { key: 'production', fetchLogSampleRate } },
  );
}
