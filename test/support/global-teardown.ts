import { adminQuery, testDatabasePrefix } from './databases';

/** Drops this run's template and the test databases a crashed test file left behind. */
export default async function globalTeardown(): Promise<void> {
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
