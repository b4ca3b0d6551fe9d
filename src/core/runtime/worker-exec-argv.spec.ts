import { workerExecArgv } from './worker-exec-argv';

describe('workerExecArgv', () => {
  it('gives API workers a larger young generation', () => {
    expect(workerExecArgv(['--enable-source-maps'])).toEqual([
      '--enable-source-maps',
      '--max-semi-space-size=64',
    ]);
  });

  it('leaves the size to the command line or NODE_OPTIONS when they choose one', () => {
    expect(workerExecArgv(['--max-semi-space-size=8'])).toEqual(['--max-semi-space-size=8']);
    expect(workerExecArgv([], '--max-old-space-size=512 --max-semi-space-size=16')).toEqual([]);
  });
});
