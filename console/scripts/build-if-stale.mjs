#!/usr/bin/env node
// Before `npm start`: build the console when its sources are newer than its build, so a fresh
// checkout's `npm ci && npm start` serves it with no other step.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'index.html');

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

// The console also bundles the engine's operator table and date parsing.
const sources = ['src', 'index.html', 'vite.config.ts', 'package.json', '../src/engine'].map((p) =>
  join(root, p),
);
const stale =
  !existsSync(built) ||
  Math.max(...sources.filter(existsSync).map(newestMtime)) > statSync(built).mtimeMs;
if (stale) {
  process.stderr.write('Building the console…\n');
  const vite = createRequire(import.meta.url).resolve('vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
