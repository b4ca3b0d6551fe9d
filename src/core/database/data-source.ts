import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATION_DATABASE_TIMEOUTS } from './data-source-options';

// For the TypeORM CLI (migration:run / revert / generate) on the built code.
const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error(
    'DATABASE_URL is required for the migration commands (the app runs them itself on start)',
  );
}

export default new DataSource({
  ...dataSourceOptions(url, false, MIGRATION_DATABASE_TIMEOUTS),
  entities: [join(__dirname, '..', '..', '**', '*.entity.js')],
});
