import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { eventually } from './test-app';

/**
 * A redis-server of the test's own on a spare port, which it can kill and start again (empty:
 * no RDB, no AOF). Tests that fault Redis use this, never the shared one.
 */
export class OwnRedis {
  private child?: ChildProcess;

  constructor(readonly port = 20_000 + Math.floor(Math.random() * 10_000)) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server unless it is running. */
  async start(): Promise<void> {
    if (this.running) return;
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await eventually(
      async () => {
        // A short disconnectTimeout: ioredis arms it even when the connection failed, and
        // at its default (2 s) it kept Jest from exiting after the file's last test.
        const client = new Redis(this.url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          disconnectTimeout: 100,
        });
        try {
          await client.connect();
          return (await client.ping()) === 'PONG';
        } catch {
          return false;
        } finally {
          client.disconnect();
        }
      },
      { what: 'redis-server to answer' },
    );
  }

  private get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** Kills the server as a crash would: clients see their connections drop. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** Whether `redis-server` can be started here; warns (naming what is skipped) when not. */
export function hasRedisServer(skipping: string): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn(`${skipping} skipped: no redis-server on PATH`);
    return false;
  }
}
