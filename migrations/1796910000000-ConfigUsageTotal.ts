import { MigrationInterface, QueryRunner } from 'typeorm';

export class ConfigUsageTotal1796910000000 implements MigrationInterface {
  name = 'ConfigUsageTotal1796910000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "config_usage_total" ("environment_id" uuid NOT NULL, "granularity" text NOT NULL, "period_start" TIMESTAMP WITH TIME ZONE NOT NULL, "config_key" text NOT NULL, "evaluations" bigint NOT NULL, "errors" bigint NOT NULL, CONSTRAINT "pk_config_usage_total" PRIMARY KEY ("environment_id", "granularity", "period_start", "config_key"))`,
    );
    // The totals of the hour and day rows counted so far.
    await queryRunner.query(
      `INSERT INTO "config_usage_total" SELECT environment_id, granularity, period_start, config_key, coalesce(sum(count) FILTER (WHERE metric = 'evaluations'), 0), coalesce(sum(count) FILTER (WHERE metric = 'error'), 0) FROM "config_usage_metric" WHERE granularity IN ('hour', 'day') AND metric IN ('evaluations', 'error') GROUP BY 1, 2, 3, 4`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "config_usage_total"`);
  }
}
