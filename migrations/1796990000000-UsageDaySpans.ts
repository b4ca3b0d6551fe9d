import { MigrationInterface, QueryRunner } from 'typeorm';
import { buildUsageSpans } from '../src/modules/usage/usage-span.builder';
import { SPAN_SETTLE_MS } from '../src/modules/usage/usage-span.util';

/**
 * Day spans (docs/usage-metrics.md, "Day spans"; docs/decisions/0009-day-spans.md): each
 * config's evaluations, errors and merged user/device sketches over aligned runs of 2..256 UTC
 * days, so configAnalytics reads O(log n) rows per config for a range of n days; the state
 * row says which spans are complete. Backfilled from the day rows already stored. Also an
 * index for the sketch reads of a few keys (the primary key leads with the period).
 */
export class UsageDaySpans1796990000000 implements MigrationInterface {
  name = 'UsageDaySpans1796990000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "config_usage_span" ("period_start" TIMESTAMP WITH TIME ZONE NOT NULL, "days" integer NOT NULL, "environment_id" uuid NOT NULL, "config_key" text NOT NULL, "evaluations" bigint NOT NULL DEFAULT 0, "errors" bigint NOT NULL DEFAULT 0, "users" bytea, "devices" bytea, CONSTRAINT "pk_config_usage_span" PRIMARY KEY ("period_start", "days", "environment_id", "config_key"), CONSTRAINT "ck_config_usage_span_sketches" CHECK ((users IS NULL) = (devices IS NULL)))`,
    );
    await queryRunner.query(
      `CREATE TABLE "usage_span_state" ("id" integer NOT NULL, "pruned_before" TIMESTAMP WITH TIME ZONE, "built_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_usage_span_state" PRIMARY KEY ("id"), CONSTRAINT "ck_usage_span_state_one_row" CHECK (id = 1))`,
    );
    await queryRunner.query(`INSERT INTO "usage_span_state" ("id") VALUES (1)`);
    await queryRunner.query(
      `CREATE INDEX "ix_config_usage_sketch_key" ON "config_usage_sketch" ("environment_id", "config_key", "granularity", "period_start") `,
    );
    await buildUsageSpans(queryRunner, Date.now() - SPAN_SETTLE_MS);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_config_usage_sketch_key"`);
    await queryRunner.query(`DROP TABLE "usage_span_state"`);
    await queryRunner.query(`DROP TABLE "config_usage_span"`);
  }
}
