import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, gql, launchBrowser, newPage, signIn } from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const KEY = `limits.max-items-${Date.now()}`;
const editorPath = `/console/envs/production/configs/${KEY}`;

const RULES = [
  {
    id: 'pro-in-europe',
    condition: {
      all: [
        { attribute: 'user.plan', operator: 'equals', value: 'pro' },
        {
          any: [
            { attribute: 'user.country', operator: 'in', values: ['FR', 'DE'] },
            { attribute: 'user.beta', operator: 'equals', value: true },
          ],
        },
      ],
    },
    value: 8,
  },
];

async function setJson(page: Page, label: string, value: unknown) {
  await page.getByLabel(label).fill(JSON.stringify(value));
}

describe('the config editor', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await newPage(browser);
    await signIn(page, baseUrl, adminToken, '/console/envs/production/configs/new');
  });
  afterAll(() => browser?.close());

  it('creates an integer config with min and max, showing the out-of-range value inline first', async () => {
    await page.getByRole('textbox', { name: /^Key/ }).fill(KEY);
    await page.getByRole('textbox', { name: 'Value type' }).click();
    await page.getByRole('option', { name: 'integer' }).click();
    await page.getByLabel('Maximum value').fill('10');
    await page.getByLabel('Minimum value').fill('1');
    await page.getByLabel('Default value').fill('2');
    await page.getByLabel('Value (inside the rollout)').fill('50');
    const value = page.getByLabel('Value (inside the rollout)');
    await expect.poll(() => value.getAttribute('aria-invalid'), { timeout: 15_000 }).toBe('true');
    await checkPage(page, 'config-new');
    await value.fill('5');
    await expect
      .poll(() => value.getAttribute('aria-invalid'), { timeout: 15_000 })
      .not.toBe('true');
    await setJson(page, 'Rules in order', RULES);
    await page.getByRole('button', { name: 'Create config' }).click();
    await page.waitForURL(`**${editorPath}`);
    await page.getByText('version 1').waitFor();
  });

  it('tests the draft against a context and explains which rule matched and why', async () => {
    await setJson(page, 'Context', { user: { id: 'u-1', plan: 'pro', country: 'FR' } });
    await page.getByRole('button', { name: 'Run test' }).click();
    const result = page.getByRole('region', { name: 'Test result' });
    await result.waitFor();
    await expect(result.textContent()).resolves.toMatch(/TARGETING_MATCH.*pro-in-europe/);
    const explanation = page.getByRole('list', { name: 'Explanation' });
    await expect(explanation.textContent()).resolves.toMatch(/user\.country in — actual "FR"/);
    await checkPage(page, 'config-editor');
  });

  it('keeps an unsaved edit across a reload', async () => {
    await page.getByLabel('Description').fill('Most items in a cart');
    await page.getByText('unsaved changes').waitFor();
    await page.reload();
    await page.getByText('Unsaved changes restored').waitFor();
    await expect(page.getByLabel('Description').inputValue()).resolves.toBe('Most items in a cart');
  });

  it('shows the conflict with a change saved elsewhere and reapplies the edit on top', async () => {
    // Another tab (here: the API) saves version 2 while this edit is open on version 1.
    await gql(
      baseUrl,
      adminToken,
      `mutation($input: UpdateConfigInput!) { updateConfig(input: $input) { config { version } } }`,
      {
        input: { environment: 'production', key: KEY, expectedVersion: 1, rolloutPercentage: 40 },
      },
    );
    await page.getByRole('button', { name: 'Save' }).click();
    const conflict = page
      .getByRole('alert')
      .filter({ hasText: 'Someone else saved this config meanwhile' });
    await conflict.waitFor();
    await expect(conflict.textContent()).resolves.toMatch(/rolloutPercentage/);
    await checkPage(page, 'config-conflict');
    await page.getByRole('button', { name: 'Reapply my edit on their version' }).click();
    await page.getByText('version 2').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved as version 3').waitFor();
    const stored = await gql<{ config: { description: string; rolloutPercentage: number } }>(
      baseUrl,
      adminToken,
      `{ config(environment: "production", key: "${KEY}") { description rolloutPercentage } }`,
    );
    expect(stored.config).toEqual({ description: 'Most items in a cart', rolloutPercentage: 40 });
  });

  it('asks before leaving with unsaved changes', async () => {
    await page.getByLabel('Description').fill('Changed again');
    await page.getByRole('link', { name: 'Configs' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Leave with unsaved changes?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Stay' }).click();
    expect(page.url()).toContain(editorPath);
  });
});
