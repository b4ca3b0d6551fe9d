import { MigrationInterface, QueryRunner } from 'typeorm';

export class UsageSketches1796400000000 implements MigrationInterface {
  name = 'UsageSketches1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // HyperLogLog sketches (Redis's HYLL strings) of a config's users and devices per hour and
    // day; config_key '' is the whole environment. See docs/usage-metrics.md.
    await queryRunner.query(
      `CREATE TABLE "config_usage_sketch" ("environment_id" uuid NOT NULL, "granularity" text NOT NULL, "period_start" TIMESTAMP WITH TIME ZONE NOT NULL, "config_key" text NOT NULL, "users" bytea NOT NULL, "devices" bytea NOT NULL, CONSTRAINT "pk_config_usage_sketch" PRIMARY KEY ("environment_id", "granularity", "period_start", "config_key"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_config_usage_sketch_period" ON "config_usage_sketch" ("granularity", "period_start") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_config_usage_sketch_period"`);
    await queryRunner.query(`DROP TABLE "config_usage_sketch"`);
  }
}
