import { MigrationInterface, QueryRunner } from 'typeorm';

export class UsageMetrics1796193680295 implements MigrationInterface {
  name = 'UsageMetrics1796193680295';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "config_usage_metric" ("environment_id" uuid NOT NULL, "granularity" text NOT NULL, "period_start" TIMESTAMP WITH TIME ZONE NOT NULL, "config_key" text NOT NULL, "metric" text NOT NULL, "dimension" text NOT NULL, "count" bigint NOT NULL, CONSTRAINT "pk_config_usage_metric" PRIMARY KEY ("environment_id", "granularity", "period_start", "config_key", "metric", "dimension"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_config_usage_metric_period" ON "config_usage_metric" ("granularity", "period_start") `,
    );
    await queryRunner.query(
      `CREATE TABLE "usage_report_batch" ("environment_id" uuid NOT NULL, "batch_id" text NOT NULL, "content_hash" text NOT NULL, "response" jsonb NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_usage_report_batch" PRIMARY KEY ("environment_id", "batch_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_usage_report_batch_received_at" ON "usage_report_batch" ("received_at") `,
    );
    // Refused saves counted so far by the configs module become hour and day usage rows.
    await queryRunner.query(
      `INSERT INTO "config_usage_metric" SELECT environment_id, 'hour', hour, config_key, 'refused_save', '', failures FROM "config_validation_failure" WHERE failures > 0`,
    );
    await queryRunner.query(
      `INSERT INTO "config_usage_metric" SELECT environment_id, 'day', date_trunc('day', hour, 'UTC'), config_key, 'refused_save', '', sum(failures) FROM "config_validation_failure" WHERE failures > 0 GROUP BY 1, 3, 4`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_usage_report_batch_received_at"`);
    await queryRunner.query(`DROP TABLE "usage_report_batch"`);
    await queryRunner.query(`DROP INDEX "public"."ix_config_usage_metric_period"`);
    await queryRunner.query(`DROP TABLE "config_usage_metric"`);
  }
}
