import { MigrationInterface, QueryRunner } from 'typeorm';

export class EnvironmentUsageMetric1796500000000 implements MigrationInterface {
  name = 'EnvironmentUsageMetric1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "environment_usage_metric" ("environment_id" uuid NOT NULL, "granularity" text NOT NULL, "period_start" TIMESTAMP WITH TIME ZONE NOT NULL, "metric" text NOT NULL, "dimension" text NOT NULL, "count" bigint NOT NULL, CONSTRAINT "pk_environment_usage_metric" PRIMARY KEY ("environment_id", "granularity", "period_start", "metric", "dimension"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_config_usage_metric_key" ON "config_usage_metric" ("environment_id", "config_key", "granularity", "period_start") `,
    );
    // The environment sums of the hour and day rows counted so far.
    await queryRunner.query(
      `INSERT INTO "environment_usage_metric" SELECT environment_id, granularity, period_start, metric, dimension, sum(count) FROM "config_usage_metric" WHERE granularity IN ('hour', 'day') GROUP BY 1, 2, 3, 4, 5`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "environment_usage_metric"`);
    await queryRunner.query(`DROP INDEX "public"."ix_config_usage_metric_key"`);
  }
}
