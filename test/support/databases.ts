import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Each `npm test` run has its own template and database names (the id is set by the global
 * setup and inherited by the workers), so runs sharing one PostgreSQL never touch each
 * other's databases.
 */
export function testRunId(): string {
  process.env.BC_TEST_RUN ??= randomUUID().replace(/-/g, '').slice(0, 8);
  return process.env.BC_TEST_RUN;
}

export const templateDatabase = () => `bc_test_${testRunId()}_template`;
/** The embedded runs' migrated PGlite data directory (a tarball), made by the global setup. */
export const embeddedTemplateFile = () => join(tmpdir(), `bc_test_${testRunId()}_pglite.tar`);
/** Any run's template file, this one's or one a killed run left behind. */
export const EMBEDDED_TEMPLATE_FILE = /^bc_test_[0-9a-f]{8}_pglite\.tar$/;
export const testDatabasePrefix = () => `bc_test_${testRunId()}_`;

/** The same server as `url`, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery<T = unknown>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A fresh database for one test file, cloned from the migrated template. */
export async function createTestDatabase(serverUrl: string): Promise<string> {
  const name = `${testDatabasePrefix()}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${templateDatabase()}"`);
  return withDatabase(serverUrl, name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
