import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, gql, launchBrowser, newPage, signIn } from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const RUN = Date.now();
const KEY = `history.flag-${RUN}`;

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
  });

  it('creates an API key, shows its token once, and revokes it after confirmation', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill(`ci reader ${RUN}`);
    await page.getByRole('button', { name: 'Create key' }).click();
    const token = await page.getByLabel('New API token').textContent();
    expect(token?.length).toBeGreaterThan(16);
    await checkPage(page, 'api-keys');
    await page.getByRole('button', { name: `Revoke ci reader ${RUN}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page
      .getByRole('button', { name: `Revoke ci reader ${RUN}` })
      .waitFor({ state: 'detached' });
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
