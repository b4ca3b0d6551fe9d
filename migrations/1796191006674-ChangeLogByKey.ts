import { MigrationInterface, QueryRunner } from 'typeorm';

/** A config key's history newest first: explainServed's state at a time, configChanges by key. */
export class ChangeLogByKey1796191006674 implements MigrationInterface {
  name = 'ChangeLogByKey1796191006674';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "ix_config_change_log_key" ON "config_change_log" (
                "environment_id",
                "config_key",
                "environment_revision"
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_config_change_log_key"
        `);
  }
}
