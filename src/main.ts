import cluster, { type Worker } from 'node:cluster';
import { Logger } from '@nestjs/common';
import { createApp, describeMode, RunningApp } from './bootstrap';
import { AppConfig, ConfigValidationError, loadConfig } from './core/config/app-config';
import { redactSecrets } from './core/config/redact';
import { formatStartupSummary, wantsHumanOutput } from './core/runtime/startup-summary';
import { workerExecArgv } from './core/runtime/worker-exec-argv';

const logger = new Logger('Main');

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${redactSecrets(error.message, process.env)}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * SIGTERM/SIGINT: stop accepting, finish in-flight work, close everything, exit 0. Installed
 * before start-up begins: a signal that arrives while the app is still starting (a cluster
 * worker that has not served yet, say) waits for the start to finish, then shuts down the same
 * way, within the same deadline, instead of dying by the signal's default action.
 */
function handleSignals(config: AppConfig, starting: Promise<RunningApp>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: shutting down`);
    const deadline = setTimeout(() => {
      logger.error(`Shutdown took longer than ${config.SHUTDOWN_TIMEOUT_MS} ms; exiting`);
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    starting
      .then((running) => running.close())
      .then(
        () => {
          logger.log('Shut down cleanly');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error(`Shutdown failed: ${error instanceof Error ? error.stack : String(error)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * API_WORKERS > 1: this process only forks the workers (which share the port), replaces one
 * that dies, and on SIGTERM/SIGINT passes the signal on and exits once they have: 0 if all
 * shut down cleanly. A worker still starting gets the signal once it listens (before that it
 * may not have its handlers yet, and the signal would kill it mid-start); one that does not
 * listen within SHUTDOWN_TIMEOUT_MS is killed.
 */
function superviseWorkers(config: AppConfig): void {
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  let stopping = false;
  const listening = new WeakSet<Worker>();
  const fork = () => {
    const worker = cluster.fork();
    worker.once('listening', () => listening.add(worker));
    worker.once('exit', (code) => exited(code));
  };
  const exited = (code: number | null) => {
    if (stopping) return;
    logger.error(`A worker exited with code ${code}; starting another`);
    fork();
  };
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    let failed = false;
    let running = workers.length;
    if (running === 0) process.exit(0);
    for (const worker of workers) {
      worker.once('exit', (code) => {
        failed ||= code !== 0;
        running -= 1;
        if (running === 0) process.exit(failed ? 1 : 0);
      });
      if (listening.has(worker)) {
        worker.process.kill(signal);
        continue;
      }
      worker.once('listening', () => worker.process.kill(signal));
      setTimeout(() => {
        if (!listening.has(worker)) worker.process.kill('SIGKILL');
      }, config.SHUTDOWN_TIMEOUT_MS).unref();
    }
  };
  // Before the first fork: a signal from now on is this process's to pass on.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let i = 0; i < config.API_WORKERS; i += 1) fork();
  logger.log(`Started ${config.API_WORKERS} workers on port ${config.PORT}`);
}

async function main(): Promise<void> {
  const config = readConfig();
  if (config.API_WORKERS > 1 && cluster.isPrimary) return superviseWorkers(config);
  const human = wantsHumanOutput(process.stdout.isTTY, config);
  // At a terminal the summary replaces the start-up chatter; LOG_LEVEL still decides when set.
  if (human && !process.env.LOG_LEVEL) config.LOG_LEVEL = 'warn';
  const starting = createApp(config);
  handleSignals(config, starting);
  const running = await starting;
  await running.app.listen(config.PORT, config.HOST);
  logger.log(
    `Business Config listening on http://${config.HOST}:${config.PORT} — ${describeMode(running)}`,
  );
  if (human) {
    process.stdout.write(
      formatStartupSummary({
        config,
        embeddedDataDir: running.embedded?.dataDir,
        startedInSeconds: process.uptime(),
        nodeVersion: process.version,
      }),
    );
  }
}

main().catch((error: unknown) => {
  const detail = error instanceof Error ? error.stack : String(error);
  logger.error(`Start-up failed: ${redactSecrets(detail ?? '', process.env)}`);
  process.exit(1);
});
