import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const SCREENSHOT_DIR = join(import.meta.dirname, '..', 'test-results', 'screenshots');

/** Debian's chromium, never a downloaded browser; no background traffic on a closed network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-gpu',
      '--no-first-run',
    ],
  });
}

/**
 * A page in its own context (its own sessionStorage), as axe-core needs. It asks for reduced
 * motion, so modals and menus open without transitions: a check never sees one half-faded in.
 */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    reducedMotion: 'reduce',
  });
  return context.newPage();
}

export async function gql<T = Record<string, unknown>>(
  baseUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

/** A string config in production serving `value` to everyone (its default too). */
export async function createStringConfig(
  baseUrl: string,
  token: string,
  key: string,
  value: string,
): Promise<void> {
  await gql(
    baseUrl,
    token,
    `mutation($input: CreateConfigInput!) { createConfig(input: $input) { config { version } } }`,
    {
      input: {
        environment: 'production',
        key,
        valueType: 'STRING',
        value,
        defaultValue: value,
      },
    },
  );
}

export async function createKey(
  baseUrl: string,
  adminToken: string,
  name: string,
  roles: string[],
) {
  const data = await gql<{ createApiKey: { token: string } }>(
    baseUrl,
    adminToken,
    'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }',
    { input: { name, roles } },
  );
  return data.createApiKey.token;
}

export async function signIn(page: Page, baseUrl: string, token: string, path = '/console/') {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('API key').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** No serious or critical axe-core violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  expect(bad).toEqual([]);
}

/** A screenshot of the page at desktop and phone widths, then back to desktop. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
  }
}

/** Axe at both widths (the phone layout has its own navigation), with the screenshots. */
export async function checkPage(page: Page, name: string): Promise<void> {
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await expectAccessible(page);
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
  await expectAccessible(page);
  await screenshots(page, name);
}
