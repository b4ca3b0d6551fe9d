/**
 * Workers serve many short requests at once: with V8's default young generation, objects of
 * requests still in flight at each scavenge are promoted and old-space collections pile up. A
 * 64 MB semi-space promotes far fewer (bench:evaluate: ~8% more requests/s, lower p99), at
 * some RSS. Unless the command line or NODE_OPTIONS chooses a size.
 */
export function workerExecArgv(execArgv: string[], nodeOptions = ''): string[] {
  const chosen = [...execArgv, nodeOptions].some((arg) => arg.includes('semi-space-size'));
  return chosen ? execArgv : [...execArgv, '--max-semi-space-size=64'];
}
