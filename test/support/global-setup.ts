import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/core/database/data-source-options';
import { adminQuery, TEMPLATE_DATABASE, withDatabase } from './databases';

/** Migrates a template database once; every test file clones it (see createTestDatabase). */
export default async function globalSetup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.warn('\nDATABASE_URL is unset: e2e tests run on the embedded PGlite default.');
    if (!process.env.REDIS_URL)
      console.warn('REDIS_URL is unset: tests that need Redis are skipped.\n');
    return;
  }
  await adminQuery(url, `DROP DATABASE IF EXISTS "${TEMPLATE_DATABASE}" WITH (FORCE)`);
  await adminQuery(url, `CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  const dataSource = new DataSource(dataSourceOptions(withDatabase(url, TEMPLATE_DATABASE), false));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await dataSource.destroy();
  }
}
