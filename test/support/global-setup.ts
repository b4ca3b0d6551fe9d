import { writeFile } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import {
  dataSourceOptions,
  MIGRATION_DATABASE_TIMEOUTS,
} from '../../src/core/database/data-source-options';
import { EmbeddedPostgres } from '../../src/core/database/embedded-postgres';
import { adminQuery, embeddedTemplateFile, templateDatabase, withDatabase } from './databases';

/**
 * Migrates a template database once; every test file clones it (see createTestDatabase).
 * Without DATABASE_URL, a migrated in-memory PGlite's data directory instead, which every
 * embedded test app starts from (initdb and the migrations took most of an app's start).
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.warn('\nDATABASE_URL is unset: e2e tests run on the embedded PGlite default.');
    if (!process.env.REDIS_URL)
      console.warn('REDIS_URL is unset: tests that need Redis are skipped.\n');
    await makeEmbeddedTemplate();
    return;
  }
  const template = templateDatabase();
  await adminQuery(url, `CREATE DATABASE "${template}"`);
  await migrate(withDatabase(url, template), false);
}

async function makeEmbeddedTemplate(): Promise<void> {
  const embedded = await EmbeddedPostgres.start('memory://');
  try {
    await migrate(embedded.url, true);
    const dump = await embedded.dumpDataDir();
    await writeFile(embeddedTemplateFile(), Buffer.from(await dump.arrayBuffer()));
  } finally {
    await embedded.stop();
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
