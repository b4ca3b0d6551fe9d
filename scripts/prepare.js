#!/usr/bin/env node
// `prepare` (run by `npm ci` and `npm install`): builds the service and the embedded database's
// template, so the first `npm start` starts at once. Skipped where the sources or TypeScript
// are not there (a container image installs dependencies before copying the sources; a
// production install omits dev dependencies).
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

function typescript() {
  try {
    return require.resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

function run(args) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const tsc = typescript();
if (tsc && existsSync(join(root, 'src')) && existsSync(join(root, 'tsconfig.build.json'))) {
  process.stderr.write('Building the service (TypeScript → dist/)…\n');
  run([tsc, '-p', join(root, 'tsconfig.build.json')]);
  run([join(root, 'dist', 'scripts', 'embedded-template.js')]);
}
