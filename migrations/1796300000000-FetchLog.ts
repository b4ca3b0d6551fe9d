import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sampled fetch records (docs/fetch-log.md) and each environment's sample rate and retention. */
export class FetchLog1796300000000 implements MigrationInterface {
  name = 'FetchLog1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "environment"
            ADD "fetch_log_sample_rate" double precision NOT NULL DEFAULT '0.01',
            ADD "fetch_log_retention_days" integer NOT NULL DEFAULT '7',
            ADD CONSTRAINT "ck_environment_fetch_log_sample_rate"
                CHECK ("fetch_log_sample_rate" >= 0 AND "fetch_log_sample_rate" <= 1),
            ADD CONSTRAINT "ck_environment_fetch_log_retention_days"
                CHECK ("fetch_log_retention_days" >= 1)
        `);
    await queryRunner.query(`
            CREATE TABLE "config_fetch_log" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "environment_id" uuid NOT NULL,
                "config_key" text NOT NULL,
                "user_id" text,
                "device_id" text,
                "app_version" text,
                "value_hash" text,
                "reason" text NOT NULL,
                "error_code" text,
                "rule_id" text,
                "variant" text,
                "config_version" integer NOT NULL,
                "revision" bigint NOT NULL,
                "channel" text NOT NULL,
                "fetched_at" timestamptz NOT NULL,
                CONSTRAINT "pk_config_fetch_log" PRIMARY KEY ("id"),
                CONSTRAINT "fk_config_fetch_log_environment" FOREIGN KEY ("environment_id")
                    REFERENCES "environment" ("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_config_fetch_log_time"
            ON "config_fetch_log" ("environment_id", "fetched_at", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_config_fetch_log_user"
            ON "config_fetch_log" ("environment_id", "user_id", "fetched_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_config_fetch_log_device"
            ON "config_fetch_log" ("environment_id", "device_id", "fetched_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "config_fetch_log"`);
    await queryRunner.query(`
            ALTER TABLE "environment"
            DROP CONSTRAINT "ck_environment_fetch_log_retention_days",
            DROP CONSTRAINT "ck_environment_fetch_log_sample_rate",
            DROP COLUMN "fetch_log_retention_days",
            DROP COLUMN "fetch_log_sample_rate"
        `);
  }
}
