import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, createKey, gql, launchBrowser, newPage, signIn } from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const RUN = Date.now();
const KEY = `history.flag-${RUN}`;
const FILTERED = `history.filtered-${RUN}`;
const EDITOR = `e2e history editor ${RUN}`;

/** yyyy-mm-dd of today plus `days`, in local time, as a date input takes it. */
function day(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const CREATE = `mutation($input: CreateConfigInput!) { createConfig(input: $input) { config { version } } }`;
const UPDATE = `mutation($input: UpdateConfigInput!) { updateConfig(input: $input) { config { version } } }`;

describe('history, API keys and environments', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    const write = `mutation($c: CreateConfigInput!, $u: UpdateConfigInput!) {
      createConfig(input: $c) { config { version } }
      updateConfig(input: $u) { config { version } }
    }`;
    await gql(baseUrl, adminToken, write, {
      c: {
        environment: 'production',
        key: KEY,
        valueType: 'STRING',
        value: 'blue',
        defaultValue: 'grey',
      },
      u: {
        environment: 'production',
        key: KEY,
        expectedVersion: 1,
        value: 'green',
        comment: 'greener',
      },
    });
    page = await newPage(browser);
    await signIn(page, baseUrl, adminToken, `/console/envs/production/history?config=${KEY}`);
  });
  afterAll(() => browser?.close());

  it('shows the history newest first with a readable diff, and verifies the chain', async () => {
    await page.getByText('“greener”').waitFor();
    await page.getByText(/history intact/).waitFor();
    await page.getByRole('button', { name: 'Show changes' }).first().click();
    const diff = page.getByRole('table').first();
    await expect(diff.textContent()).resolves.toMatch(/\/value.*"blue".*"green"/);
    await checkPage(page, 'history');
  });

  it('rolls back to an earlier version after showing what will change', async () => {
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    const dialog = page.getByRole('dialog');
    // The current state loads after the dialog opens; the diff appears with it.
    await dialog.getByText(/What changes/).waitFor();
    await expect(dialog.textContent()).resolves.toMatch(/"green".*"blue"/);
    await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
    await page.getByText('Rolled back to version 1').waitFor();
    const stored = await gql<{ config: { value: string; version: number } }>(
      baseUrl,
      adminToken,
      `{ config(environment: "production", key: "${KEY}") { value version } }`,
    );
    expect(stored.config).toEqual({ value: 'blue', version: 3 });
    // The newest entry is the current version: nothing to roll back to.
    await page.getByRole('button', { name: 'Roll back to v3' }).click();
    await dialog.getByText(/is the current version/).waitFor();
    await expect(
      dialog.getByRole('button', { name: 'Roll back', exact: true }).isDisabled(),
    ).resolves.toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('filters the history by actor, action and dates, also after loading older pages', async () => {
    // 52 entries: created by the admin, 50 edits by an editor, one more by the admin.
    const editorToken = await createKey(baseUrl, adminToken, EDITOR, ['EDITOR']);
    const input = { environment: 'production', key: FILTERED };
    await gql(baseUrl, adminToken, CREATE, {
      input: { ...input, valueType: 'INTEGER', value: 0, defaultValue: 0 },
    });
    // Mutations in one request run one after another: 25 edits per request.
    for (const from of [1, 26]) {
      const edits = Array.from(
        { length: 25 },
        (_, i) =>
          `e${i}: updateConfig(input: { environment: "production", key: "${FILTERED}", expectedVersion: ${from + i}, value: ${from + i} }) { config { version } }`,
      );
      await gql(baseUrl, editorToken, `mutation { ${edits.join('\n')} }`);
    }
    await gql(baseUrl, adminToken, UPDATE, {
      input: { ...input, expectedVersion: 51, value: -1, comment: 'admin touch' },
    });
    await page.goto(`${baseUrl}/console/envs/production/history?config=${FILTERED}`);
    await page.getByText('“admin touch”').waitFor();
    await page.getByRole('button', { name: 'Load older changes' }).click();
    const timeline = page.getByLabel('Changes, newest first');
    const creates = timeline.getByText('create', { exact: true });
    await creates.waitFor();

    await page.getByRole('textbox', { name: 'Actor' }).fill(EDITOR);
    await page.getByText('“admin touch”').waitFor({ state: 'detached' });
    // The filtered list may still be loading when the old one goes: wait for its last entry.
    await timeline.getByText(EDITOR).nth(49).waitFor();
    await expect(creates.count()).resolves.toBe(0);
    await expect(timeline.getByText(EDITOR).count()).resolves.toBe(50);

    await page.getByRole('textbox', { name: 'Actor' }).fill('');
    await page.getByRole('textbox', { name: 'Action' }).click();
    await page.getByRole('option', { name: 'create' }).click();
    await timeline.getByText(EDITOR).first().waitFor({ state: 'detached' });
    await creates.first().waitFor();
    await expect(creates.count()).resolves.toBe(1);

    await page.getByRole('textbox', { name: 'Action' }).click();
    await page.getByRole('option', { name: 'create' }).click(); // deselects
    await page.getByLabel('From', { exact: true }).fill(day(1));
    await page.getByText('No changes match.').waitFor();
    await page.getByLabel('From', { exact: true }).fill(day(-1));
    await page.getByLabel('To', { exact: true }).fill(day(1));
    await page.getByText('“admin touch”').waitFor();
  });

  it('leads from a failed chain verification to the first broken entry, on an older page', async () => {
    const created = await gql<{ configChanges: { edges: { node: { id: string } }[] } }>(
      baseUrl,
      adminToken,
      `{ configChanges(environment: "production", filter: { configKey: "${FILTERED}", action: CREATE }, first: 1) { edges { node { id } } } }`,
    );
    const brokenId = created.configChanges.edges[0].node.id;
    // The server's verification is tested against a tampered database in the API's tests;
    // here its answer is stood in for, to follow what the page does with a failure.
    await page.route('**/graphql', (route) =>
      route.request().postDataJSON()?.operationName === 'VerifyChangeHistory'
        ? route.fulfill({
            json: {
              data: {
                verifyChangeHistory: {
                  __typename: 'ChangeHistoryVerification',
                  valid: false,
                  checkedEntries: 9,
                  firstBrokenEntryId: brokenId,
                  missingEntries: 0,
                  problem: 'the entry does not match its hash',
                },
              },
            },
          })
        : route.fallback(),
    );
    await page.reload();
    const alert = page.getByRole('alert').filter({ hasText: 'history altered' });
    await expect(alert.textContent()).resolves.toMatch(/the entry does not match its hash/);
    await alert.getByRole('button', { name: 'Show the first broken entry' }).click();
    const entry = page.locator(`#change-${brokenId}`);
    await entry.getByText('first broken entry').waitFor();
    await expect(entry.textContent()).resolves.toContain(FILTERED);
    await page.unroute('**/graphql');
  });

  it('creates an API key, shows its token once, and revokes it after confirmation', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill(`ci reader ${RUN}`);
    await page.getByRole('button', { name: 'Create key' }).click();
    const token = await page.getByLabel('New API token').textContent();
    expect(token?.length).toBeGreaterThan(16);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(token);
    await checkPage(page, 'api-keys');
    await page.getByRole('button', { name: `Revoke ci reader ${RUN}` }).click();
    // The page asks for reduced motion (newPage) and the theme respects it: no transition.
    const dialog = page.getByRole('dialog');
    await expect(dialog.evaluate((el) => getComputedStyle(el).transitionDuration)).resolves.toBe(
      '0s',
    );
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await page
      .getByRole('button', { name: `Revoke ci reader ${RUN}` })
      .waitFor({ state: 'detached' });
  });

  it('lists keys past the first page of 100 on "Load more keys"', async () => {
    // One key older than the 100 after it: newest first, it is on the second page.
    const older = `older key ${RUN}`;
    await createKey(baseUrl, adminToken, older, ['VIEWER']);
    for (let batch = 0; batch < 4; batch += 1) {
      const creates = Array.from(
        { length: 25 },
        (_, i) =>
          `k${i}: createApiKey(input: { name: "bulk key ${RUN} ${batch * 25 + i}", roles: [VIEWER] }) { token }`,
      );
      await gql(baseUrl, adminToken, `mutation { ${creates.join('\n')} }`);
    }
    await page.reload();
    const bulk = page.getByRole('row').filter({ hasText: `bulk key ${RUN} ` });
    await page
      .getByRole('row')
      .filter({ hasText: `bulk key ${RUN} 99` })
      .waitFor();
    await expect(bulk.count()).resolves.toBe(100);
    await expect(page.getByRole('row').filter({ hasText: older }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Load more keys' }).click();
    await page.getByRole('button', { name: `Revoke ${older}` }).waitFor();
    await expect(bulk.count()).resolves.toBe(100);
  });

  it('creates and renames an environment and shows its revision', async () => {
    await page.getByRole('link', { name: 'Environments' }).click();
    await page.getByRole('textbox', { name: /^Key/ }).fill(`qa-${RUN}`);
    await page.getByRole('textbox', { name: /^Name/ }).fill(`QA ${RUN}`);
    await page.getByRole('button', { name: 'Create environment' }).click();
    await page.getByRole('button', { name: `Rename QA ${RUN}` }).click();
    await page.getByLabel(`New name for qa-${RUN}`).fill(`Quality ${RUN}`);
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('link', { name: `Quality ${RUN}` }).waitFor();
    await checkPage(page, 'environments');
  });
});
