// npm run migration:generate -- <PascalName>: writes migrations/<timestamp>-<PascalName>.ts
// from the difference between the entities and the database at DATABASE_URL.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('Usage: npm run migration:generate -- <PascalName>');
  process.exit(2);
}
const root = join(__dirname, '..', '..');
const cli = require.resolve('typeorm/cli.js');
const result = spawnSync(
  process.execPath,
  [
    cli,
    'migration:generate',
    '-d',
    join(root, 'dist/src/core/database/data-source.js'),
    '-p',
    join(root, 'migrations', name),
  ],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
