import { rm } from 'node:fs/promises';
import { adminQuery, embeddedTemplateFile, testDatabasePrefix } from './databases';

/** Drops this run's templates and the test databases a crashed test file left behind. */
export default async function globalTeardown(): Promise<void> {
  await rm(embeddedTemplateFile(), { force: true });
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const rows = await adminQuery<{ datname: string }>(
    url,
    `SELECT datname FROM pg_database WHERE datname LIKE '${testDatabasePrefix()}%'`,
  );
  for (const { datname } of rows) {
    await adminQuery(url, `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}
