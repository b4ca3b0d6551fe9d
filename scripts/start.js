#!/usr/bin/env node
// `npm start`: build when the sources are newer than the build (`npm ci` builds once, through
// the `prepare` script), make the embedded database's template when missing, then run the
// service in this same process, so signals sent to `npm start` reach it directly.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'src', 'main.js');
const template = join(root, 'dist', 'scripts', 'embedded-template.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function run(script, args = []) {
  const result = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const sources = ['src', 'migrations', 'scripts'].map((d) => join(root, d)).filter(existsSync);
const stale = !existsSync(entry) || Math.max(...sources.map(newestMtime)) > statSync(entry).mtimeMs;
if (stale) {
  const first = !existsSync(entry);
  process.stderr.write(
    first
      ? 'Building the service (TypeScript → dist/; first start only, ~20 s)…\n'
      : 'Sources changed since the last build: rebuilding (a few seconds)…\n',
  );
  const started = Date.now();
  run(require.resolve('typescript/bin/tsc'), ['-p', join(root, 'tsconfig.build.json')]);
  process.stderr.write(`Built in ${((Date.now() - started) / 1000).toFixed(0)} s.\n`);
}
if (!process.env.DATABASE_URL) run(template);
require(entry);
