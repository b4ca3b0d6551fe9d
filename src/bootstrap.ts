import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AppConfig } from './core/config/app-config';
import type { EmbeddedPostgres } from './core/database/embedded-postgres';
import { ShutdownState } from './core/health/shutdown-state';
import { RequestLogging } from './core/logging/request-logging';
import { httpMetricsMiddleware } from './core/metrics/http-metrics.middleware';
import { MetricsService } from './core/metrics/metrics.service';
import { Authenticator } from './core/auth/authenticator';
import { consoleRouter, findConsoleDist } from './modules/console/console.router';
import { ofrepRouter } from './modules/ofrep/ofrep.router';
import { OfrepService } from './modules/ofrep/ofrep.service';
import { UsageReportsService } from './modules/usage/usage-reports.service';
import { usageRouter } from './modules/usage/usage.router';
import { eventsRouter } from './modules/experiments/events/experiment-events.router';
import { ExperimentEventsService } from './modules/experiments/events/experiment-events.service';

/** Request bodies larger than this get HTTP 413. */
export const MAX_BODY = '1mb';

export interface RunningApp {
  app: INestApplication;
  config: AppConfig;
  embedded?: EmbeddedPostgres;
  /** Closes the app (HTTP, websockets, jobs, connections), then the embedded database. */
  close(): Promise<void>;
}

/** Builds the application for a config; starts the embedded database when DATABASE_URL is unset. */
export async function createApp(
  config: AppConfig,
  options: { embeddedDataDir?: string; embeddedLoadDataDir?: Blob } = {},
): Promise<RunningApp> {
  // Imported only when used: with DATABASE_URL, PGlite is never loaded.
  const embedded = config.embeddedDatabase
    ? await import('./core/database/embedded-postgres').then(({ EmbeddedPostgres }) =>
        EmbeddedPostgres.start(options.embeddedDataDir ?? config.DATA_DIR, {
          loadDataDir: options.embeddedLoadDataDir,
        }),
      )
    : undefined;
  try {
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, databaseUrl: config.DATABASE_URL ?? embedded!.url }),
      { bufferLogs: true, bodyParser: false, abortOnError: false },
    );
    app.useLogger(app.get(Logger));
    app.disable('x-powered-by');
    // Express would hash every response body for a weak ETag no GraphQL client uses.
    app.disable('etag');
    // First: every request, Nest's or not (OFREP), gets its id and its log line.
    app.use(app.get(RequestLogging).middleware);
    app.use(httpMetricsMiddleware(app.get(MetricsService)));
    if (config.runsApi) {
      // Ahead of the general body parser: it reads its own bodies (see ofrep.router.ts).
      app.use(
        '/ofrep/v1/evaluate/flags',
        ofrepRouter(app.get(OfrepService), app.get(Authenticator), MAX_BODY),
      );
      app.use(
        '/v1/usage',
        usageRouter(app.get(UsageReportsService), app.get(Authenticator), MAX_BODY),
      );
      app.use(
        '/v1/events',
        eventsRouter(app.get(ExperimentEventsService), app.get(Authenticator), MAX_BODY),
      );
      app.use('/console', consoleRouter(findConsoleDist()));
    }
    app.useBodyParser('json', { limit: MAX_BODY });
    await app.init();
    return {
      app,
      config,
      embedded,
      async close() {
        app.get(ShutdownState).begin();
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

export function describeMode(running: RunningApp): string {
  const { config, embedded } = running;
  const database = embedded ? `embedded PGlite (${embedded.dataDir})` : 'PostgreSQL (DATABASE_URL)';
  const queue = config.embeddedQueue
    ? 'in-process queue and pub/sub'
    : 'Redis queue and pub/sub (REDIS_URL)';
  return `role=${config.ROLE}; database: ${database}; ${queue}`;
}
