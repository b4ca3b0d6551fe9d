import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, createKey, gql, launchBrowser, newPage, signIn } from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');

const RUN = Date.now();
const BANNER = `checkout.banner-${RUN}`;
const LIVE = `checkout.live-added-${RUN}`;
const CREATE = `mutation($input: CreateConfigInput!) { createConfig(input: $input) { config { key version } } }`;

describe('sign-in and the configs list', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    await gql(baseUrl, adminToken, CREATE, {
      input: {
        environment: 'production',
        key: BANNER,
        valueType: 'BOOLEAN',
        value: true,
        defaultValue: false,
        description: 'Shows the banner',
      },
    });
  });
  afterAll(() => browser?.close());

  it('refuses a wrong API key with a message and keeps it out of the URL', async () => {
    page = await newPage(browser);
    await page.goto(`${baseUrl}/console/`);
    await checkPage(page, 'sign-in');
    await page.getByLabel('API key').fill('not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/refused|Sign in again/i);
    expect(page.url()).not.toContain('not-a-real-key');
    await page.close();
  });

  it("signs in with an admin key and shows the key's name, roles and scope", async () => {
    page = await newPage(browser);
    await signIn(page, baseUrl, adminToken, '/console/envs/production/configs');
    await page.getByRole('heading', { name: 'Configs' }).waitFor();
    const header = page.getByLabel('Signed in as');
    await expect(header.textContent()).resolves.toMatch(/admin.*all environments/);
    await page.getByRole('link', { name: BANNER }).waitFor();
    expect(page.url()).toContain('/console/envs/production/configs');
    expect(page.url()).not.toContain(adminToken);
    await checkPage(page, 'configs');
  });

  it('keeps the session across a reload, in sessionStorage only', async () => {
    await page.reload();
    await page.getByRole('link', { name: BANNER }).waitFor();
    const stored = await page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: Object.values(localStorage),
    }));
    expect(stored.session).toContain(adminToken);
    expect(stored.local).not.toContain(adminToken);
  });

  it('shows a config created through the API in the open list without a reload, highlighted', async () => {
    await gql(baseUrl, adminToken, CREATE, {
      input: {
        environment: 'production',
        key: LIVE,
        valueType: 'INTEGER',
        value: 3,
        defaultValue: 0,
      },
    });
    const row = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: LIVE }) });
    await row.waitFor({ timeout: 10_000 });
    await expect(row.getAttribute('data-highlighted')).resolves.toBe('true');
  });

  it('filters by search text and by type', async () => {
    await page.getByLabel('Search').fill(LIVE);
    await page.getByRole('link', { name: BANNER }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: LIVE }).waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByRole('textbox', { name: 'Type' }).click();
    await page.getByRole('option', { name: 'boolean' }).click();
    await page.getByRole('link', { name: LIVE }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: BANNER }).waitFor();
  });

  it('shows a viewer no edit controls', async () => {
    const viewerToken = await createKey(baseUrl, adminToken, 'e2e viewer', ['VIEWER']);
    const viewer = await newPage(browser);
    await signIn(viewer, baseUrl, viewerToken, '/console/envs/production/configs');
    await viewer.getByRole('link', { name: BANNER }).waitFor();
    await expect(viewer.getByRole('button', { name: 'New config' }).count()).resolves.toBe(0);
    await expect(viewer.getByRole('link', { name: 'New config' }).count()).resolves.toBe(0);
    await viewer.close();
  });
});
