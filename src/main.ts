import { Logger } from '@nestjs/common';
import { createApp, describeMode, RunningApp } from './bootstrap';
import { AppConfig, ConfigValidationError, loadConfig } from './core/config/app-config';

const logger = new Logger('Main');

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** SIGTERM/SIGINT: stop accepting, finish in-flight work, close everything, exit 0. */
function handleSignals(running: RunningApp): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: shutting down`);
    const deadline = setTimeout(() => {
      logger.error(`Shutdown took longer than ${running.config.SHUTDOWN_TIMEOUT_MS} ms; exiting`);
      process.exit(1);
    }, running.config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    running.close().then(
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

async function main(): Promise<void> {
  const config = readConfig();
  const running = await createApp(config);
  handleSignals(running);
  await running.app.listen(config.PORT, config.HOST);
  logger.log(
    `Business Config listening on http://${config.HOST}:${config.PORT} — ${describeMode(running)}`,
  );
}

main().catch((error: unknown) => {
  logger.error(`Start-up failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
