import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { createApp, RunningApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/core/config/app-config';
import { createTestDatabase, dropTestDatabase, embeddedTemplateFile } from './databases';

export const hasPostgres = Boolean(process.env.DATABASE_URL);
export const hasRedis = Boolean(process.env.REDIS_URL);

/** `describe` for tests that need a real Redis; skipped with a message naming REDIS_URL otherwise. */
export function describeWithRedis(name: string, fn: () => void): void {
  if (hasRedis) {
    describe(name, fn);
  } else {
    describe.skip(`${name} (skipped: set REDIS_URL to run)`, fn);
  }
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

export interface TestApp {
  running: RunningApp;
  baseUrl: string;
  adminToken: string;
  /** The database URL this app uses, to start more instances on the same data. */
  databaseUrl?: string;
  env: Record<string, string>;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  /** Share another app's database (and Redis prefix) instead of creating one. */
  shareWith?: TestApp;
  /** Rewrites the database URL the app connects with (e.g. through a fault proxy). */
  routeDatabase?: (url: string) => string;
}

/** Apps of this test file started, or still starting, and not closed yet. */
const unclosed = new Set<Promise<TestApp | undefined>>();

/**
 * Boots the real application on a random port: against a fresh database cloned from the
 * migrated template when DATABASE_URL is set, else on an in-memory PGlite; with Redis under
 * a prefix of its own when REDIS_URL is set, else in-process.
 */
export function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const starting = bootTestApp(options);
  const tracked = starting.then(
    (app) => app,
    () => undefined,
  );
  unclosed.add(tracked);
  return starting.then((app) => {
    const close = app.close;
    let closed: Promise<void> | undefined;
    app.close = () => {
      unclosed.delete(tracked);
      closed ??= close();
      return closed;
    };
    return app;
  });
}

/**
 * Closes the apps a test file left open: one whose hook or test timed out while it was
 * still starting finishes starting after the file's own cleanup ran, and would keep Jest
 * from exiting (test/support/close-test-apps.ts runs this after every file).
 */
export async function closeUnclosedTestApps(): Promise<void> {
  while (unclosed.size > 0) {
    const [pending] = unclosed;
    unclosed.delete(pending);
    const app = await pending;
    await app?.close();
  }
}

let template: Promise<Blob | undefined> | undefined;

/**
 * The migrated PGlite data directory the global setup made, read once per test file; when
 * it cannot be read, apps start from initdb and the migrations, only slower (said once).
 */
function embeddedTemplate(): Promise<Blob | undefined> {
  template ??= readFile(embeddedTemplateFile()).then(
    (bytes) => new Blob([bytes]),
    (error: unknown) => {
      console.warn(
        `The embedded test template could not be read (${String(error)}): ` +
          'apps of this test file run initdb and every migration each, which is slower.',
      );
      return undefined;
    },
  );
  return template;
}

async function bootTestApp(options: TestAppOptions): Promise<TestApp> {
  const shared = options.shareWith;
  const ownDatabase =
    hasPostgres && !shared ? await createTestDatabase(process.env.DATABASE_URL!) : undefined;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ADMIN_TOKEN: shared?.adminToken ?? `test-admin-${randomBytes(16).toString('hex')}`,
    REDIS_PREFIX: shared?.env.REDIS_PREFIX ?? `t-${randomUUID().slice(0, 8)}`,
    ...((ownDatabase ?? shared?.databaseUrl)
      ? { DATABASE_URL: (options.routeDatabase ?? String)((ownDatabase ?? shared?.databaseUrl)!) }
      : {}),
    ...(hasRedis ? { REDIS_URL: process.env.REDIS_URL! } : {}),
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const config = loadConfig(env);
  let running: RunningApp;
  try {
    running = await createApp(config, {
      embeddedDataDir: env.DATA_DIR ?? 'memory://',
      embeddedLoadDataDir:
        config.embeddedDatabase && !env.DATA_DIR ? await embeddedTemplate() : undefined,
    });
  } catch (error) {
    if (ownDatabase) await dropTestDatabase(ownDatabase);
    throw error;
  }
  await running.app.listen(0, '127.0.0.1');
  const { port } = running.app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminToken = env.ADMIN_TOKEN;

  return {
    running,
    baseUrl,
    adminToken,
    // The direct URL even when routed, so apps sharing this one connect as they choose.
    databaseUrl: options.routeDatabase ? (ownDatabase ?? shared?.databaseUrl) : env.DATABASE_URL,
    env,
    async gql(query, variables, token = adminToken) {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLResponse;
      return { ...body, status: response.status } as never;
    },
    async close() {
      await running.close();
      if (ownDatabase) await dropTestDatabase(ownDatabase);
    },
  };
}

/** Polls until `check` returns a value other than undefined/false; fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  {
    timeoutMs = 15_000,
    intervalMs = 50,
    what = 'condition',
    state,
  }: {
    timeoutMs?: number;
    intervalMs?: number;
    what?: string;
    /** What the failure message reports of the state then, to tell why it never held. */
    state?: () => Promise<unknown>;
  } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const seen = state
        ? `; state: ${await state().then(JSON.stringify, (error) => `unknown (${String(error)})`)}`
        : '';
      throw new Error(`Timed out waiting for ${what}${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The first error's code, for terse assertions. */
export function errorCode(response: GraphQLResponse): unknown {
  return response.errors?.[0]?.extensions?.code;
}
