import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  checkPage,
  createKey,
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
const BANNER = `checkout.banner-${RUN}`;
const LIVE = `checkout.live-added-${RUN}`;
const CREATE = `mutation($input: CreateConfigInput!) { createConfig(input: $input) { config { key version } } }`;

/**
 * Holds the session check's answer until the list's first page is asked for (at most 3 s) and
 * records the order: 'Configs' (asked) and 'Me answered'. Unroute `**\/graphql` afterwards.
 */
async function holdSessionCheckUntilListAsked(page: Page): Promise<string[]> {
  const sent: string[] = [];
  let listAsked = () => {};
  const asked = new Promise<void>((resolve) => (listAsked = resolve));
  await page.route('**/graphql', async (route) => {
    const operation = (route.request().postDataJSON() as { operationName?: string } | null)
      ?.operationName;
    if (operation === 'Configs') {
      sent.push('Configs');
      listAsked();
    }
    if (operation === 'Me') {
      await Promise.race([asked, new Promise((resolve) => setTimeout(resolve, 3000))]);
      sent.push('Me answered');
    }
    await route.continue();
  });
  return sent;
}

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
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    const served = await page.request.get(new URL(icon!, page.url()).toString());
    expect([served.status(), served.headers()['content-type']]).toEqual([200, 'image/svg+xml']);
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

  it('asks for the list together with the session check on a load, not after it', async () => {
    // The session check is held until the list's first page is asked for (at most 3 s): before
    // the first-screen prefetch, the list waited for the session check's answer.
    const sent = await holdSessionCheckUntilListAsked(page);
    try {
      await page.reload();
      await page.getByRole('link', { name: BANNER }).waitFor();
    } finally {
      await page.unroute('**/graphql');
    }
    expect(sent.slice(0, 2)).toEqual(['Configs', 'Me answered']);
  });

  it("opens the console's root on the environment this tab last showed, its list asked at once", async () => {
    // An unscoped key: before the last environment was remembered, the root asked for the
    // session, then the environments, then the list, one after the other.
    const sent = await holdSessionCheckUntilListAsked(page);
    try {
      await page.goto(`${baseUrl}/console/`);
      await page.getByRole('link', { name: BANNER }).waitFor();
    } finally {
      await page.unroute('**/graphql');
    }
    expect(page.url()).toContain('/console/envs/production/configs');
    expect(sent.slice(0, 2)).toEqual(['Configs', 'Me answered']);
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

  it('shows a viewer no edit controls, and opens a config from its row in the app', async () => {
    const viewerToken = await createKey(baseUrl, adminToken, 'e2e viewer', ['VIEWER']);
    const viewer = await newPage(browser);
    await signIn(viewer, baseUrl, viewerToken, '/console/envs/production/configs');
    await viewer.getByRole('link', { name: BANNER }).waitFor();
    await expect(viewer.getByRole('button', { name: 'New config' }).count()).resolves.toBe(0);
    await expect(viewer.getByRole('link', { name: 'New config' }).count()).resolves.toBe(0);
    // A row's link is the config's address, and opens it inside the app (no page load: the
    // marker stays).
    const link = viewer.getByRole('link', { name: BANNER });
    await expect(link.getAttribute('href')).resolves.toBe(
      `/console/envs/production/configs/${BANNER}`,
    );
    await viewer.evaluate(() => ((window as { stayed?: boolean }).stayed = true));
    await link.click();
    await viewer.waitForURL(`**/console/envs/production/configs/${BANNER}`);
    await viewer.getByText('version 1').waitFor();
    await expect(viewer.evaluate(() => (window as { stayed?: boolean }).stayed)).resolves.toBe(
      true,
    );
    await viewer.close();
  });
});

describe('the configs list sorted and filtered by the server', () => {
  const ENV = `sorted-${RUN}`;
  const key = (i: number) => `sort.k-${String(i).padStart(3, '0')}`;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await gql(
      baseUrl,
      adminToken,
      'mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { key } } }',
      { input: { key: ENV, name: `Sorted ${RUN}` } },
    );
    // More than one page (100 rows): the order must come from the server, not the loaded rows.
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < 102; i = next++) {
        await gql(baseUrl, adminToken, CREATE, {
          input: {
            environment: ENV,
            key: key(i),
            valueType: 'BOOLEAN',
            value: true,
            defaultValue: false,
          },
        });
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    await gql(
      baseUrl,
      adminToken,
      `mutation($u: UpdateConfigInput!, $a: ArchiveConfigInput!) {
        updateConfig(input: $u) { config { version } }
        archiveConfig(input: $a) { config { version } } }`,
      {
        u: { environment: ENV, key: key(50), expectedVersion: 1, description: 'Touched last' },
        a: { environment: ENV, key: key(101) },
      },
    );
    browser = await launchBrowser();
    page = await newPage(browser);
    await signIn(page, baseUrl, adminToken, `/console/envs/${ENV}/configs`);
  });
  afterAll(() => browser?.close());

  const firstKey = () => page.getByTestId('config-list').getByRole('link').first().textContent();
  const counted = (text: string) => page.getByText(text, { exact: true }).waitFor();

  it('sorts through the API, a page at a time', async () => {
    const asked: { orderBy?: unknown; after?: unknown }[] = [];
    page.on('request', (request) => {
      const body = request.method() === 'POST' ? request.postDataJSON() : null;
      if (body?.operationName === 'Configs') asked.push(body.variables);
    });
    await page.getByRole('link', { name: key(0) }).waitFor();
    await counted('100+ configs');
    await page.getByRole('textbox', { name: 'Sort' }).click();
    await page.getByRole('option', { name: 'Recently updated' }).click();
    await expect.poll(firstKey).toBe(key(50));
    await page.getByRole('textbox', { name: 'Sort' }).click();
    await page.getByRole('option', { name: 'Key Z–A' }).click();
    await expect.poll(firstKey).toBe(key(100));
    await counted('100+ configs');
    // One first page per order, none of the other pages.
    expect(asked.map((v) => [v.orderBy, v.after])).toEqual([
      [{ field: 'UPDATED_AT', direction: 'DESC' }, null],
      [{ field: 'KEY', direction: 'DESC' }, null],
    ]);
  });

  it('filters by archived status and finds a config by its description', async () => {
    await page.getByText('Archived', { exact: true }).click();
    await page.getByRole('link', { name: key(101) }).waitFor();
    await counted('1 config');
    await page.getByText('All', { exact: true }).click();
    await page.getByLabel('Search').fill('touched LAST');
    await expect.poll(firstKey).toBe(key(50));
    await counted('1 config');
  });

  it('says what to do when the server cannot be reached, and recovers on retry', async () => {
    await page.route('**/graphql', (route) => route.abort('connectionrefused'));
    await page.getByLabel('Search').fill('');
    const alert = page.getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toMatch(
        /Cannot reach the server\. Check that it is running and your connection, then retry/,
      );
    await page.unroute('**/graphql');
    await alert.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('link', { name: key(101) }).waitFor();
    await alert.waitFor({ state: 'detached' });
  });

  it('has no accessibility violations in the dark theme', async () => {
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect(
      page.evaluate(() => document.documentElement.getAttribute('data-mantine-color-scheme')),
    ).resolves.toBe('dark');
    await expectAccessible(page);
    await screenshots(page, 'configs-dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
  });

  it('says when live updates pause, and shows what changed meanwhile once they are back', async () => {
    const live = await newPage(browser);
    let dropping = false;
    const sockets: WebSocketRoute[] = [];
    await live.routeWebSocket(/\/graphql$/, (ws) => {
      if (dropping) return ws.close({ code: 1001, reason: 'going away' });
      ws.connectToServer();
      sockets.push(ws);
    });
    await signIn(live, baseUrl, adminToken, `/console/envs/${ENV}/configs`);
    await live.getByRole('link', { name: key(0) }).waitFor();
    dropping = true;
    await Promise.all(sockets.map((ws) => ws.close({ code: 1001, reason: 'going away' })));
    await live.getByText('Live updates paused').waitFor();
    await gql(baseUrl, adminToken, CREATE, {
      input: {
        environment: ENV,
        key: 'sort.a-missed',
        valueType: 'STRING',
        value: 'x',
        defaultValue: 'y',
      },
    });
    dropping = false;
    await live.getByRole('link', { name: 'sort.a-missed' }).waitFor();
    await live.getByText('Live updates paused').waitFor({ state: 'detached' });
    await live.close();
  });
});
