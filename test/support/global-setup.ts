import { DataSource } from 'typeorm';
import {
  dataSourceOptions,
  MIGRATION_DATABASE_TIMEOUTS,
} from '../../src/core/database/data-source-options';
import { adminQuery, templateDatabase, withDatabase } from './databases';

/** Migrates a template database once; every test file clones it (see createTestDatabase). */
export default async function globalSetup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.warn('\nDATABASE_URL is unset: e2e tests run on the embedded PGlite default.');
    if (!process.env.REDIS_URL)
      console.warn('REDIS_URL is unset: tests that need Redis are skipped.\n');
    return;
  }
  const template = templateDatabase();
  await adminQuery(url, `CREATE DATABASE "${template}"`);
  const dataSource = new DataSource(
    dataSourceOptions(withDatabase(url, template), false, MIGRATION_DATABASE_TIMEOUTS),
  );
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await dataSource.destroy();
  }
}
