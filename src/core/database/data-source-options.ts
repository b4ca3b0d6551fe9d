import { join } from 'node:path';
import { Client, ClientConfig } from 'pg';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';

/** How long PostgreSQL may take before a caller gets SERVICE_UNAVAILABLE instead of a hang. */
export interface DatabaseTimeouts {
  /** Longest statement; the server cancels it, and the client gives up shortly after. */
  statementTimeoutMs: number;
  /** Longest wait to open a connection, or for a free one from the pool. */
  connectTimeoutMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  statementTimeoutMs: 5000,
  connectTimeoutMs: 3000,
};

/** For migration tooling, whose statements may rewrite large tables: no statement deadline. */
export const MIGRATION_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  statementTimeoutMs: 0,
  connectTimeoutMs: 30_000,
};

/** The client's own deadline beyond the server's: time for the server's cancel to arrive. */
const CLIENT_TIMEOUT_MARGIN_MS = 1000;

/**
 * The one definition of how we talk to PostgreSQL. The schema changes only through
 * migrations; `synchronize` is never on.
 */
export function dataSourceOptions(
  url: string,
  embedded: boolean,
  timeouts: DatabaseTimeouts = DEFAULT_DATABASE_TIMEOUTS,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'typeorm_migrations',
    migrations: [join(__dirname, '..', '..', '..', 'migrations', '*.{ts,js}')],
    extra: {
      // PGlite has one session: a second pooled connection would interleave transactions.
      max: embedded ? 1 : 20,
      // Bounds both opening a connection and waiting for a pooled one.
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
      // A refusing server fails at once; a silent one is caught by these deadlines, and an
      // idle connection whose peer vanished is found by keepalive rather than by the next
      // query. The embedded database lives in this process: nothing to lose touch with, and
      // on a slow machine its statements may legitimately take long.
      ...(embedded ? {} : { keepAlive: true, keepAliveInitialDelayMillis: 10_000 }),
      ...(embedded || timeouts.statementTimeoutMs === 0
        ? {}
        : {
            statement_timeout: timeouts.statementTimeoutMs,
            query_timeout: timeouts.statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
          }),
      Client: FailFastClient,
    },
    applicationName: 'business-config',
  };
}

/**
 * A pg client that drops its connection when a query gets no answer in time. pg reports the
 * timeout but keeps the connection, whose next queries would then queue behind the lost one
 * (a ROLLBACK after a timed-out statement would wait as long again); closed, the pool
 * replaces it and the next query fails or succeeds at once.
 */
export class FailFastClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
  }

  /**
   * Lifts the client's deadline on this connection, for work that may take long on purpose
   * (migrations; the server's statement_timeout is the caller's to lift). Returns the undo.
   */
  withoutDeadline(): () => void {
    const parameters = (this as unknown as { connectionParameters: { query_timeout?: number } })
      .connectionParameters;
    const deadline = parameters.query_timeout;
    parameters.query_timeout = undefined;
    return () => {
      parameters.query_timeout = deadline;
    };
  }

  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    // TypeORM awaits the promise form; callbacks and streams keep pg's own behaviour.
    if (result instanceof Promise) result.catch((error: unknown) => this.dropIfUnanswered(error));
    return result as never;
  }

  private dropIfUnanswered(error: unknown): void {
    if (!(error instanceof Error) || error.message !== 'Query read timeout') return;
    (
      this as unknown as { connection: { stream: { destroy(): void } } }
    ).connection.stream.destroy();
  }
}
