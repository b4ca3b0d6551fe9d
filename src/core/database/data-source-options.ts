import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';

/**
 * The one definition of how we talk to PostgreSQL. The schema changes only through
 * migrations; `synchronize` is never on.
 */
export function dataSourceOptions(url: string, embedded: boolean): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'typeorm_migrations',
    migrations: [join(__dirname, '..', '..', '..', 'migrations', '*.{ts,js}')],
    // PGlite has one session: a second pooled connection would interleave transactions.
    extra: { max: embedded ? 1 : 20, connectionTimeoutMillis: 10_000 },
    applicationName: 'business-config',
  };
}
