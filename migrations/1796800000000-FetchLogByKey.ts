import { MigrationInterface, QueryRunner } from 'typeorm';

/** One key's fetch-log records, newest first, without reading the environment's others. */
export class FetchLogByKey1796800000000 implements MigrationInterface {
  name = 'FetchLogByKey1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_config_fetch_log_key" ON "config_fetch_log" ("environment_id", "config_key", "fetched_at", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_config_fetch_log_key"`);
  }
}
