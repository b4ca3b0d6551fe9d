import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { gql, launchBrowser } from './support';

// Issue 10, item 9, measured as the median of 5 loads on the embedded default:
// - the configs page usable (its list rendered) in under 1 s, from navigation start;
// - the 5,000-config list rendered in under 500 ms, from the click that opens it in the app;
// - that list scrolled to its end (every page loaded) with no long task over 50 ms;
// - the initial JavaScript (what index.html loads) at most 300 KB gzipped.

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const ENV = `bench-${Date.now()}`;
const COUNT = Number(process.env.BENCH_CONFIGS ?? 5000);
const LOADS = 5;
const ROW = `[data-testid="config-list"] a`;
const TARGETS = {
  pageUsableMs: 1000,
  listRenderedMs: 500,
  scrollLongestTaskMs: 50,
  initialJsKb: 300,
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface BenchWindow {
  __longTasks: number[];
  __firstRowAt: number | null;
  __clickedAt: number;
}

let browser: Browser;
let context: BrowserContext;

/** Creates the environment's configs, 25 per request (mutations in one request run in order). */
async function seed(): Promise<void> {
  await gql(
    baseUrl,
    adminToken,
    'mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { key } } }',
    { input: { key: ENV, name: ENV } },
  );
  const batches: number[][] = [];
  for (let i = 0; i < COUNT; i += 25) {
    batches.push(Array.from({ length: Math.min(25, COUNT - i) }, (_, j) => i + j));
  }
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      const creates = batch.map(
        (i) =>
          `c${i}: createConfig(input: { environment: "${ENV}", key: "bench.config-${String(i).padStart(5, '0')}", valueType: INTEGER, value: ${i}, defaultValue: 0, description: "Bench config ${i}" }) { config { id } }`,
      );
      await gql(baseUrl, adminToken, `mutation { ${creates.join('\n')} }`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** Records long tasks and the moment the list's first row appears, from the page's start. */
async function instrument(page: Page): Promise<void> {
  await page.addInitScript((row) => {
    const w = window as unknown as BenchWindow;
    w.__longTasks = [];
    w.__firstRowAt = null;
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => w.__longTasks.push(e.duration)),
    ).observe({ type: 'longtask', buffered: true });
    new MutationObserver(() => {
      if (w.__firstRowAt === null && document.querySelector(row)) {
        w.__firstRowAt = performance.now();
      }
    }).observe(document, { childList: true, subtree: true });
  }, ROW);
}

const firstRowAt = (page: Page) =>
  page.waitForFunction(() => (window as unknown as BenchWindow).__firstRowAt, null, {
    polling: 'raf',
  });

/** Scrolls the list to its end, as pages load, and returns the longest task meanwhile. */
async function scrollToEnd(page: Page): Promise<{ longestTaskMs: number; longTasks: number }> {
  await page.evaluate(() => ((window as unknown as BenchWindow).__longTasks = []));
  const list = page.getByTestId('config-list');
  const done = page.getByText(`${COUNT} configs`, { exact: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    const atEnd = await list.evaluate(
      (el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1,
    );
    if (atEnd && (await done.count()) > 0) break;
    if (Date.now() > deadline) throw new Error('the list did not reach its end in 300 s');
    await list.evaluate((el) => el.scrollBy(0, 1500));
    await page.waitForTimeout(50);
  }
  await page
    .getByRole('link', { name: `bench.config-${String(COUNT - 1).padStart(5, '0')}` })
    .waitFor();
  const tasks = await page.evaluate(() => (window as unknown as BenchWindow).__longTasks);
  return {
    longestTaskMs: Math.round(Math.max(0, ...tasks)),
    longTasks: tasks.filter((t) => t > 50).length,
  };
}

/** The gzipped size of the scripts index.html loads (entry and module preloads). */
function initialJsKb(): number {
  const dist = join(import.meta.dirname, '..', 'dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [
    ...html.matchAll(/<script[^>]+src="\/console\/([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/console\/([^"]+\.js)"/g),
  ].map((m) => m[1]);
  const bytes = scripts.reduce((sum, f) => sum + gzipSync(readFileSync(join(dist, f))).length, 0);
  return Math.round(bytes / 102.4) / 10;
}

beforeAll(async () => {
  await seed();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(
    (token) => sessionStorage.setItem('business-config.api-key', token),
    adminToken,
  );
});
afterAll(() => browser?.close());

it(`measures the configs page, the ${COUNT}-config list, its scrolling and the initial JavaScript`, async () => {
  const pageUsable: number[] = [];
  const listRendered: number[] = [];
  const longest: number[] = [];
  const longTaskCounts: number[] = [];
  for (let i = 0; i < LOADS; i += 1) {
    const page = await context.newPage();
    await instrument(page);
    // A cold load of the configs page: navigation start to the first row on screen.
    await page.goto(`${baseUrl}/console/envs/${ENV}/configs`);
    await firstRowAt(page);
    pageUsable.push(
      Math.round(await page.evaluate(() => (window as unknown as BenchWindow).__firstRowAt!)),
    );
    // The list opened inside the app: the click to the first row on screen.
    await page.getByRole('link', { name: 'Environments' }).click();
    const open = page.getByRole('link', { name: ENV, exact: true });
    await open.waitFor();
    await page.evaluate(() => {
      const w = window as unknown as BenchWindow;
      w.__firstRowAt = null;
      w.__clickedAt = performance.now();
    });
    await open.click();
    await firstRowAt(page);
    listRendered.push(
      Math.round(
        await page.evaluate(() => {
          const w = window as unknown as BenchWindow;
          return w.__firstRowAt! - w.__clickedAt;
        }),
      ),
    );
    const scrolled = await scrollToEnd(page);
    longest.push(scrolled.longestTaskMs);
    longTaskCounts.push(scrolled.longTasks);
    await page.close();
  }
  const figures = {
    configs: COUNT,
    loads: LOADS,
    initialJsGzipKb: initialJsKb(),
    pageUsableMs: median(pageUsable),
    listRenderedMs: median(listRendered),
    scrollLongestTaskMs: median(longest),
  };
  const report = {
    ...figures,
    runs: {
      pageUsable,
      listRendered,
      scrollLongestTask: longest,
      scrollLongTasksOver50ms: longTaskCounts,
    },
    targets: TARGETS,
    met: {
      pageUsable: figures.pageUsableMs < TARGETS.pageUsableMs,
      listRendered: figures.listRenderedMs < TARGETS.listRenderedMs,
      scrollLongestTask: figures.scrollLongestTaskMs <= TARGETS.scrollLongestTaskMs,
      initialJs: figures.initialJsGzipKb <= TARGETS.initialJsKb,
    },
  };
  console.log(`bench:console ${JSON.stringify(report, null, 2)}`);
  expect(listRendered).toHaveLength(LOADS);
});
