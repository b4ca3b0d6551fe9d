import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refused saves are counted only as the usage counter `refused_save` (config_usage_metric):
 * UsageMetrics1796193680295 copied the old table's counts there, and every refusal since was
 * written to both, so the old table goes without losing a count.
 */
export class DropValidationFailures1796450000000 implements MigrationInterface {
  name = 'DropValidationFailures1796450000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "config_validation_failure"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "config_validation_failure" ("environment_id" uuid NOT NULL, "config_key" text NOT NULL, "hour" TIMESTAMP WITH TIME ZONE NOT NULL, "failures" integer NOT NULL DEFAULT '0', CONSTRAINT "pk_config_validation_failure" PRIMARY KEY ("environment_id", "config_key", "hour"))`,
    );
    await queryRunner.query(
      `INSERT INTO "config_validation_failure" SELECT environment_id, config_key, period_start, count FROM "config_usage_metric" WHERE granularity = 'hour' AND metric = 'refused_save'`,
    );
  }
}
