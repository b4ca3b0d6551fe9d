import { spawn } from 'node:child_process';

/**
 * How the README test treats a shell block, set by an HTML comment on the line before its
 * fence (`<!-- readme-test: skip (why) -->`); unmarked blocks are run.
 * - run: must exit 0 within the block timeout and print an answer without errors;
 * - stream: a long-running command (an event stream): must print a first event, is then
 *   stopped, and its output is checked like a run block's;
 * - skip: not run (it starts a server, needs Docker, or shows placeholders).
 */
export type BlockMode = 'run' | 'stream' | 'skip';

export interface ShellBlock {
  /** 1-based line of the opening fence, for messages. */
  line: number;
  mode: BlockMode;
  code: string;
}

const MARKER = /^<!--\s*readme-test:\s*(run|stream|skip)\b.*-->$/;

/** The ```sh blocks of a Markdown text, in order, each with its mode. */
export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i].trim() !== '```sh') continue;
    let previous = i - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous -= 1;
    const marker = previous >= 0 ? MARKER.exec(lines[previous].trim()) : null;
    const end = lines.findIndex((text, j) => j > i && text.trim() === '```');
    if (end < 0) throw new Error(`README line ${i + 1}: a shell block is not closed`);
    blocks.push({
      line: i + 1,
      mode: (marker?.[1] as BlockMode | undefined) ?? 'run',
      code: lines.slice(i + 1, end).join('\n'),
    });
    i = end;
  }
  return blocks;
}

/** Why a block's output shows a failure the exit code may not: a GraphQL or OFREP error. */
export function outputProblem(output: string): string | undefined {
  if (output.trim() === '') return 'it printed nothing';
  if (/"errors"\s*:/.test(output)) return 'the answer has GraphQL errors';
  if (/"errorCode"\s*:\s*"/.test(output)) return 'the answer has an OFREP errorCode';
  return undefined;
}

export interface BlockResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The script a block runs as: strict (any failing command fails the block), with the
 * variables the earlier blocks set (as in one terminal), saving its own for the next.
 */
export function blockScript(code: string, stateFile: string): string {
  return [
    'set -eo pipefail',
    `_readme_state=${JSON.stringify(stateFile)}`,
    '_readme_baseline=$(compgen -v)',
    `trap 'for _v in $(compgen -v); do case "$_v" in _*|BASH*|FUNCNAME|PIPESTATUS) ;; *) grep -qxF "$_v" <<<"$_readme_baseline" || declare -p "$_v" ;; esac; done >"$_readme_state.new"; mv "$_readme_state.new" "$_readme_state"' EXIT`,
    'if [ -f "$_readme_state" ]; then source "$_readme_state"; fi',
    code,
  ].join('\n');
}

/**
 * Runs a script with bash in its own process group. A `stream` run ends (the whole group is
 * sent SIGTERM) once `until` holds for its output; any run is killed after `timeoutMs`.
 */
export function runBash(
  script: string,
  env: NodeJS.ProcessEnv,
  { timeoutMs, until }: { timeoutMs: number; until?: (stdout: string) => boolean },
): Promise<BlockResult & { timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { env, detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const stop = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
      if (until?.(stdout)) stop();
    });
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
