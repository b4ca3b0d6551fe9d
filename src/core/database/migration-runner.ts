import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, MigrationExecutor, QueryRunner } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { FailFastClient } from './data-source-options';

/** Held while migrating, so instances starting together migrate one at a time. */
const MIGRATION_LOCK_ID = 7_340_000;
const LOCK_POLL_MS = 200;

@Injectable()
export class MigrationRunner implements OnModuleInit {
  private readonly logger = new Logger(MigrationRunner.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.MIGRATIONS_RUN) return;
    const runner = this.dataSource.createQueryRunner();
    // A migration may rewrite a large table: no deadline on this session, either side.
    const connection: unknown = await runner.connect();
    const restoreDeadline =
      connection instanceof FailFastClient ? connection.withoutDeadline() : () => undefined;
    try {
      await runner.query('SET statement_timeout = 0');
      if (this.config.embeddedDatabase) {
        // One process, one pooled connection: no other instance to wait for.
        await this.migrate(runner);
        return;
      }
      // Polled rather than waited on, so no single statement outlives the client's deadline.
      while (!(await this.tryLock(runner))) await sleep(LOCK_POLL_MS);
      try {
        await this.migrate(runner);
      } finally {
        await runner
          .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID])
          .catch(() => undefined);
      }
    } finally {
      await runner.query('RESET statement_timeout').catch(() => undefined);
      restoreDeadline();
      await runner.release();
    }
  }

  private async tryLock(runner: QueryRunner): Promise<boolean> {
    const [row] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
      MIGRATION_LOCK_ID,
    ])) as { locked: boolean }[];
    return row.locked;
  }

  private async migrate(runner: QueryRunner): Promise<void> {
    const executor = new MigrationExecutor(this.dataSource, runner);
    executor.transaction = 'all';
    const applied = await executor.executePendingMigrations();
    if (applied.length > 0) {
      this.logger.log(`Applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    }
  }
}
