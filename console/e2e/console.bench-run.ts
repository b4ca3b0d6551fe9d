import { gzipSync } from 'node:zlib';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { gql, launchBrowser } from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const ENV = `bench-${Date.now()}`;
const COUNT = Number(process.env.BENCH_CONFIGS ?? 5000);
const LOADS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  await gql(
    baseUrl,
    adminToken,
    'mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { key } } }',
    {
      input: { key: ENV, name: 'Bench' },
    },
  );
  const create =
    'mutation($input: CreateConfigInput!) { createConfig(input: $input) { config { id } } }';
  let next = 0;
  const worker = async () => {
    while (next < COUNT) {
      const i = next++;
      await gql(baseUrl, adminToken, create, {
        input: {
          environment: ENV,
          key: `bench.config-${String(i).padStart(5, '0')}`,
          valueType: 'INTEGER',
          value: i,
          defaultValue: 0,
          description: `Bench config ${i}`,
        },
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(
    (token) => sessionStorage.setItem('business-config.api-key', token),
    adminToken,
  );
});
afterAll(() => browser?.close());

it(`measures the initial JavaScript, the configs page with ${COUNT} configs and its scrolling`, async () => {
  const assets = join(import.meta.dirname, '..', 'dist', 'assets');
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const gzipped = js.reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f))).length, 0);

  const usable: number[] = [];
  const longest: number[] = [];
  for (let i = 0; i < LOADS; i += 1) {
    const page = await context.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) =>
        list.getEntries().forEach((e) => w.__longTasks.push(e.duration)),
      ).observe({ type: 'longtask', buffered: true });
    });
    const started = Date.now();
    await page.goto(`${baseUrl}/console/envs/${ENV}/configs`);
    await page.getByRole('link', { name: 'bench.config-00000' }).waitFor();
    usable.push(Date.now() - started);
    // Scroll the virtualised list to its end in steps, as a person flinging through it would.
    await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks = []));
    const list = page.getByTestId('config-list');
    for (let step = 0; step < 40; step += 1) {
      await list.evaluate((el) => el.scrollBy(0, 2000));
      await page.waitForTimeout(50);
    }
    longest.push(
      await page.evaluate(() =>
        Math.max(0, ...(window as unknown as { __longTasks: number[] }).__longTasks),
      ),
    );
    await page.close();
  }
  const report = {
    initialJsGzipKb: Math.round(gzipped / 102.4) / 10,
    configs: COUNT,
    usableMs: { median: median(usable), runs: usable },
    scrollLongestTaskMs: { median: median(longest), runs: longest },
  };
  console.log(`bench:console ${JSON.stringify(report)}`);
  expect(usable).toHaveLength(LOADS);
});
