import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  dataSourceOptions,
  MIGRATION_DATABASE_TIMEOUTS,
} from '../../src/core/database/data-source-options';
import { EmbeddedPostgres } from '../../src/core/database/embedded-postgres';
import {
  adminQuery,
  EMBEDDED_TEMPLATE_FILE,
  embeddedTemplateFile,
  templateDatabase,
  withDatabase,
} from './databases';

/** A template file older than this was left by a killed run (a run takes minutes). */
const STALE_TEMPLATE_MS = 24 * 60 * 60 * 1000;

/**
 * Migrates a template database once when DATABASE_URL is set; every test file clones it (see
 * createTestDatabase). Always, a migrated in-memory PGlite's data directory, which every
 * embedded test app starts from (initdb and the migrations took most of an app's start).
 */
export default async function globalSetup(): Promise<void> {
  // Embedded apps start in PostgreSQL runs too (the tests of the embedded default).
  await makeEmbeddedTemplate();
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.warn('\nDATABASE_URL is unset: e2e tests run on the embedded PGlite default.');
    if (!process.env.REDIS_URL)
      console.warn('REDIS_URL is unset: tests that need Redis are skipped.\n');
    return;
  }
  const template = templateDatabase();
  await adminQuery(url, `CREATE DATABASE "${template}"`);
  await migrate(withDatabase(url, template), false);
}

async function makeEmbeddedTemplate(): Promise<void> {
  await removeStaleTemplates();
  const embedded = await EmbeddedPostgres.start('memory://');
  try {
    await migrate(embedded.url, true);
    const dump = await embedded.dumpDataDir();
    await writeFile(embeddedTemplateFile(), Buffer.from(await dump.arrayBuffer()));
  } finally {
    await embedded.stop();
  }
}

/**
 * Removes the template files of runs killed before their teardown; a run still going (tests
 * may run side by side) has a younger one.
 */
async function removeStaleTemplates(): Promise<void> {
  const dir = tmpdir();
  for (const name of await readdir(dir)) {
    if (!EMBEDDED_TEMPLATE_FILE.test(name)) continue;
    const file = join(dir, name);
    const { mtimeMs } = await stat(file).catch(() => ({ mtimeMs: Date.now() }));
    if (Date.now() - mtimeMs > STALE_TEMPLATE_MS) await rm(file, { force: true });
  }
}

async function migrate(url: string, embedded: boolean): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(url, embedded, MIGRATION_DATABASE_TIMEOUTS));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await dataSource.destroy();
  }
}
