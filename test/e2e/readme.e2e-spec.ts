import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  blockScript,
  outputProblem,
  runBash,
  ShellBlock,
  shellBlocks,
} from '../support/readme-blocks';
import { startTestApp, TestApp } from '../support/test-app';

const README = join(__dirname, '..', '..', 'README.md');
/** The address the README's examples use; the test points them at its own server. */
const README_URL = 'http://localhost:4000';
const BLOCK_TIMEOUT_MS = 30_000;

describe('the README shell block reader', () => {
  it('reads blocks in order with their markers, run by default', () => {
    const markdown = [
      '```sh',
      'echo one',
      '```',
      '<!-- readme-test: skip (starts a server) -->',
      '',
      '```sh',
      'npm start',
      '```',
      '<!-- readme-test: stream -->',
      '```sh',
      'curl -N x',
      '```',
      '```graphql',
      '{ me { name } }',
      '```',
    ].join('\n');
    expect(shellBlocks(markdown)).toEqual([
      { line: 1, mode: 'run', code: 'echo one' },
      { line: 6, mode: 'skip', code: 'npm start' },
      { line: 10, mode: 'stream', code: 'curl -N x' },
    ]);
  });

  it('calls an empty answer, GraphQL errors and OFREP errors failures', () => {
    expect(outputProblem('\n')).toBe('it printed nothing');
    expect(outputProblem('{"errors":[{"message":"no"}],"data":null}')).toMatch(/GraphQL/);
    expect(outputProblem('{"key":"a","errorCode":"FLAG_NOT_FOUND"}')).toMatch(/OFREP/);
    expect(outputProblem('{"data":{"evaluate":[{"errorCode":null}]}}')).toBeUndefined();
  });
});

/**
 * Every ```sh block of the README, in order, as a reader pastes them into one terminal
 * (variables carry over), against a fresh server with TOKEN set to its admin token.
 */
describe('the README examples', () => {
  const blocks = shellBlocks(readFileSync(README, 'utf8'));
  let app: TestApp;
  let stateDir: string;

  beforeAll(async () => {
    app = await startTestApp();
    stateDir = mkdtempSync(join(tmpdir(), 'readme-test-'));
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('has examples to run', () => {
    expect(blocks.filter((block) => block.mode !== 'skip').length).toBeGreaterThan(5);
  });

  for (const block of blocks) {
    const name = `README line ${block.line}: ${block.code.split('\n')[0]}`;
    if (block.mode === 'skip') it.skip(name, () => undefined);
    else it(name, () => runBlock(block), BLOCK_TIMEOUT_MS + 5_000);
  }

  async function runBlock(block: ShellBlock): Promise<void> {
    const code = block.code.replaceAll(README_URL, app.baseUrl);
    const result = await runBash(
      blockScript(code, join(stateDir, 'variables.sh')),
      { ...process.env, TOKEN: app.adminToken },
      {
        timeoutMs: BLOCK_TIMEOUT_MS,
        until: block.mode === 'stream' ? (stdout) => /^data: /m.test(stdout) : undefined,
      },
    );
    const problem = result.timedOut
      ? `it was still running after ${BLOCK_TIMEOUT_MS} ms`
      : block.mode === 'run' && result.code !== 0
        ? `it exited with ${result.code}`
        : outputProblem(result.stdout);
    if (problem) {
      throw new Error(
        `README line ${block.line}: ${problem}\n--- block\n${block.code}\n` +
          `--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
      );
    }
  }
});
