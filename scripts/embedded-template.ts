// Run by `npm ci` / `npm install` (the `prepare` script) and `npm start`: makes the embedded
// database's initdb template once per install, so a first start only copies it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedPostgres, TEMPLATE_DIR } from '../src/core/database/embedded-postgres';

async function main(): Promise<void> {
  if (existsSync(join(TEMPLATE_DIR, 'PG_VERSION'))) return;
  process.stderr.write('Preparing the embedded database (once per install, ~15 s)…\n');
  const started = Date.now();
  await EmbeddedPostgres.template();
  process.stderr.write(`Prepared in ${((Date.now() - started) / 1000).toFixed(0)} s.\n`);
}

main().catch((error: unknown) => {
  // Not fatal: the first start makes the template itself.
  process.stderr.write(`Could not prepare the embedded database now: ${String(error)}\n`);
});
