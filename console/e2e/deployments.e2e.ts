import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  checkPage,
  createKey,
  createStringConfig,
  gql,
  launchBrowser,
  newPage,
  signIn,
} from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const RUN = Date.now();
const KEY = `deploy.button-${RUN}`;
const editorPath = `/console/envs/production/configs/${KEY}`;
const SUBJECTS = Array.from({ length: 40 }, (_, i) => `user-${RUN}-${i}`);

interface StoredDeployment {
  id: string;
  status: string;
  strategy: string;
  currentStep: number;
  reason: string | null;
  steps: { percentage: number; holdSeconds: number }[];
}

async function deployments(): Promise<StoredDeployment[]> {
  const data = await gql<{ deployments: { edges: { node: StoredDeployment }[] } }>(
    baseUrl,
    adminToken,
    `query($key: String) { deployments(environment: "production", key: $key, first: 10) {
      edges { node { id status strategy currentStep reason steps { percentage holdSeconds } } } } }`,
    { key: KEY },
  );
  return data.deployments.edges.map((e) => e.node);
}

/** The percentage the panel's progress bar shows. */
async function shownPercentage(page: Page): Promise<number> {
  const bar = page.getByRole('progressbar', { name: 'Subjects served the change' });
  return Number(await bar.getAttribute('aria-valuenow'));
}

/** Clicks the panel's `action` button, then the same in its confirmation dialog. */
async function confirmAction(
  page: Page,
  action: string,
  fill?: (dialog: Locator) => Promise<void>,
) {
  await page
    .getByRole('group', { name: 'Deployment actions' })
    .getByRole('button', { name: action, exact: true })
    .click();
  const dialog = page.getByRole('dialog');
  await fill?.(dialog);
  await dialog.getByRole('button', { name: action, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

describe('progressive deployments', () => {
  let browser: Browser;
  let page: Page;
  let sdkToken: string;
  let deploymentId: string;

  /** What each test subject is served now, through the API as an app sees it. */
  const served = async () => {
    const values: string[] = [];
    for (const id of SUBJECTS) {
      const data = await gql<{ evaluate: { value: string }[] }>(
        baseUrl,
        sdkToken,
        `query($context: JSON!, $keys: [String!]) {
          evaluate(environment: "production", context: $context, keys: $keys) { value } }`,
        { context: { user: { id } }, keys: [KEY] },
      );
      values.push(data.evaluate[0].value);
    }
    return values;
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    await createStringConfig(baseUrl, adminToken, KEY, 'blue');
    const { createApiKey } = await gql<{ createApiKey: { token: string } }>(
      baseUrl,
      adminToken,
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }',
      { input: { name: `e2e deployments sdk ${RUN}`, roles: ['SDK'], environment: 'production' } },
    );
    sdkToken = createApiKey.token;
    page = await newPage(browser);
    await signIn(page, baseUrl, adminToken, editorPath);
  });
  afterAll(() => browser?.close());

  it("previews a linear schedule and shows the server's refusal at the fields", async () => {
    await page.getByLabel('Value (inside the rollout)').fill('green');
    await page.getByRole('radio', { name: 'Deploy progressively' }).check();
    await page.getByRole('radio', { name: 'Linear' }).check();
    // The documented defaults: +10% every 15 minutes.
    const preview = page.getByRole('list', { name: 'Schedule preview' });
    await expect.poll(() => preview.getByRole('listitem').count()).toBe(10);
    await preview.getByText('after 2 h 15 min').waitFor();

    // 0.5% steps would be 200 of them: the server refuses the start, and says where.
    const step = page.getByRole('textbox', { name: 'Step size', exact: true });
    await step.fill('0.5');
    await page.getByRole('button', { name: 'Start deployment' }).click();
    await page.getByRole('alert').filter({ hasText: 'The deployment was not started' }).waitFor();
    await page
      .getByText('gives 200 steps: a deployment has at most 100', { exact: true })
      .waitFor();
    await expect(step.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(deployments()).resolves.toEqual([]);

    // 5% every 5 seconds: twenty steps on the timeline, due 5 s apart.
    await step.fill('5');
    await page.getByLabel('Unit').selectOption('seconds');
    await page.getByRole('textbox', { name: 'Interval', exact: true }).fill('5');
    await expect.poll(() => preview.getByRole('listitem').count()).toBe(20);
    await expect(preview.getByRole('listitem').first().textContent()).resolves.toMatch(
      /^5% — step 1: at the start \(/,
    );
    await expect(preview.getByRole('listitem').nth(1).textContent()).resolves.toMatch(
      /^10% — step 2: after 5 s \(/,
    );
    await preview.getByText(/^100% — step 20: after 1 min 35 s/).waitFor();
    await expect(step.getAttribute('aria-invalid')).resolves.toBe('false');
    await checkPage(page, 'deployment-preview');
  });

  it('starts the deployment and follows its progress live', async () => {
    await page.getByLabel('Comment for the history').fill('green converts better');
    await page.getByRole('button', { name: 'Start deployment' }).click();
    await page.getByText(/^Deployment started: 5% of subjects are served the change\./).waitFor();
    const [started] = await deployments();
    deploymentId = started.id;
    expect(started).toMatchObject({ status: 'IN_PROGRESS', strategy: 'LINEAR' });
    expect(started.steps).toHaveLength(20);
    expect(started.steps[0]).toEqual({ percentage: 5, holdSeconds: 5 });

    await page.getByRole('heading', { name: 'Deployment in progress' }).waitFor();
    await page.getByText(new RegExp(`Linear deployment ${deploymentId}, started by`)).waitFor();
    // The editor is back at the config's own state, and saving is refused while it runs.
    await expect(page.getByLabel('Value (inside the rollout)').inputValue()).resolves.toBe('blue');
    await page
      .getByRole('status')
      .filter({ hasText: `Deployment ${deploymentId} (linear, in progress)` })
      .waitFor();
    // The steps arrive over the subscription: no reload.
    await expect.poll(() => shownPercentage(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(10);
    await page.getByText(/^Next step \(\d+%\) (in \d+:\d\d|due now)$/).waitFor();
  });

  it('pauses and resumes, with the save blocked meanwhile, and advances by hand', async () => {
    await confirmAction(page, 'Pause', (dialog) =>
      dialog.getByLabel('Comment').fill('checking the error rate'),
    );
    await page.getByRole('heading', { name: 'Deployment paused' }).waitFor();
    await page.getByText(/left, stopped while paused$/).waitFor();
    await page.getByText(/^Paused by .*: “checking the error rate”$/).waitFor();
    await expect(deployments()).resolves.toMatchObject([{ status: 'PAUSED' }]);

    // An edit meanwhile cannot be saved: the message names the deployment.
    await page.getByLabel('Value (inside the rollout)').fill('red');
    await page.getByRole('radio', { name: 'Apply now' }).check();
    await expect(
      page.getByRole('button', { name: 'Save', exact: true }).isDisabled(),
    ).resolves.toBe(true);
    await page
      .getByRole('status')
      .filter({ hasText: `Deployment ${deploymentId} (linear, paused)` })
      .waitFor();
    // The schedule, with the step it is at.
    await page.getByRole('button', { name: 'Show the schedule' }).click();
    const schedule = page.getByRole('list', { name: 'Deployment schedule' });
    await expect.poll(() => schedule.getByRole('listitem').count()).toBe(20);
    const { currentStep } = (await deployments())[0];
    await expect(schedule.getByRole('listitem').nth(currentStep).textContent()).resolves.toMatch(
      /\(now\)$/,
    );
    await checkPage(page, 'deployment-panel');
    await page.getByLabel('Value (inside the rollout)').fill('blue');

    // A viewer sees the deployment but no buttons.
    const viewerToken = await createKey(baseUrl, adminToken, `e2e deployments viewer ${RUN}`, [
      'VIEWER',
    ]);
    const viewer = await newPage(browser);
    await signIn(viewer, baseUrl, viewerToken, editorPath);
    await viewer.getByRole('heading', { name: 'Deployment paused' }).waitFor();
    await expect(viewer.getByRole('group', { name: 'Deployment actions' }).count()).resolves.toBe(
      0,
    );
    await viewer.context().close();

    await confirmAction(page, 'Resume');
    await page.getByRole('heading', { name: 'Deployment in progress' }).waitFor();
    await page.getByText(/^Next step \(\d+%\) (in \d+:\d\d|due now)$/).waitFor();

    const before = (await deployments())[0].currentStep;
    await confirmAction(page, 'Advance');
    await page
      .getByText(/^Advanced to step \d+: \d+% of subjects are served the change\.$/)
      .waitFor();
    expect((await deployments())[0].currentStep).toBeGreaterThan(before);
    // The step by hand is in the history under the person's key, not the progression's.
    const { configChanges } = await gql<{
      configChanges: { edges: { node: { actor: { kind: string } } }[] };
    }>(
      baseUrl,
      adminToken,
      `query($filter: ConfigChangeFilter) { configChanges(environment: "production", filter: $filter, first: 100) {
        edges { node { actor { kind } } } } }`,
      { filter: { configKey: KEY, action: 'DEPLOYMENT_STEP' } },
    );
    expect(configChanges.edges.map((e) => e.node.actor.kind)).toContain('api_key');
  });

  it('rolls back with a reason: everyone is served the stable value again', async () => {
    // Some subjects are served the candidate before the rollback.
    await expect
      .poll(async () => (await served()).includes('green'), { timeout: 15_000 })
      .toBe(true);
    await page
      .getByRole('group', { name: 'Deployment actions' })
      .getByRole('button', { name: 'Roll back', exact: true })
      .click();
    const dialog = page.getByRole('dialog');
    // The rollback asks why before it can be confirmed.
    await expect(
      dialog.getByRole('button', { name: 'Roll back', exact: true }).isDisabled(),
    ).resolves.toBe(true);
    await dialog.getByLabel('Reason').fill('checkout errors went up');
    await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
    await page
      .getByText(
        /^Rolled back by .+: everyone is served the stable state again\. Reason: “checkout errors went up”\.$/,
      )
      .waitFor();
    await page.getByRole('heading', { name: 'Deployment in progress' }).waitFor({
      state: 'detached',
    });
    await expect(deployments()).resolves.toMatchObject([
      { id: deploymentId, status: 'ROLLED_BACK', reason: 'checkout errors went up' },
    ]);
    await expect
      .poll(async () => new Set(await served()), { timeout: 15_000 })
      .toEqual(new Set(['blue']));
    // The config is free again: the editor may save.
    await expect(
      page.getByRole('status').filter({ hasText: 'Saving is blocked' }).count(),
    ).resolves.toBe(0);
  });

  it('completes a canary by time: the editor follows the new version', async () => {
    await page.getByLabel('Value (inside the rollout)').fill('green');
    await page.getByRole('radio', { name: 'Deploy progressively' }).check();
    await page.getByRole('radio', { name: 'Canary' }).check();
    await page.getByRole('textbox', { name: 'Canary share', exact: true }).fill('20');
    await page.getByLabel('Unit').selectOption('seconds');
    await page.getByRole('textbox', { name: 'Hold', exact: true }).fill('2');
    const preview = page.getByRole('list', { name: 'Schedule preview' });
    await preview.getByText(/^100% — step 2: after 2 s/).waitFor();
    await page.getByRole('button', { name: 'Start deployment' }).click();
    // The last step is taken by the worker; the page hears it and takes version 2.
    await page
      .getByText('Deployment completed: everyone is served the change, now version 2.')
      .waitFor();
    await page.getByText('version 2', { exact: true }).waitFor();
    await expect(page.getByLabel('Value (inside the rollout)').inputValue()).resolves.toBe('green');
    await expect(deployments()).resolves.toMatchObject([
      { status: 'COMPLETED', strategy: 'CANARY' },
      { id: deploymentId, status: 'ROLLED_BACK' },
    ]);
    await expect
      .poll(async () => new Set(await served()), { timeout: 15_000 })
      .toEqual(new Set(['green']));
  });

  it("lists it in the environment's deployments and on the config's page", async () => {
    await page.getByRole('tab', { name: 'Deployments' }).click();
    const ofConfig = page.getByRole('table', { name: `Deployments of ${KEY}` });
    await ofConfig.getByRole('cell', { name: 'checkout errors went up' }).waitFor();

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Deployments' })
      .click();
    const table = page.getByRole('table', { name: 'Deployments' });
    await table.getByRole('link', { name: KEY }).first().waitFor();
    await page.getByRole('textbox', { name: 'Config key' }).fill(KEY);
    // The header and the two deployments, the newest first.
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    await table.getByRole('row').nth(1).getByText('completed', { exact: true }).waitFor();
    const row = table.getByRole('row').nth(2);
    await row.getByText('Linear').waitFor();
    await row.getByText('rolled back', { exact: true }).waitFor();
    await row.getByText('checkout errors went up').waitFor();
    await row.getByText(/^by /).waitFor();
    await row.getByText('reached, then rolled back').waitFor();
    await checkPage(page, 'deployments-history');

    // The status filter goes to the API.
    await page.getByRole('textbox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'rolled back', exact: true }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    await table.getByText('checkout errors went up').waitFor();
    await page.getByRole('textbox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'failed', exact: true }).click();
    await page.getByText('None matches the filter').waitFor();

    // Its link leads back to the config.
    await page.goto(
      `${baseUrl}/console/envs/production/deployments?config=${encodeURIComponent(KEY)}`,
    );
    await table.getByRole('link', { name: KEY }).first().click();
    await page.getByRole('heading', { name: KEY, exact: true }).waitFor();
  });
});
