import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-day aggregates of an experiment's exposures and metrics (UTC days), beside the running
 * totals, so results can chart their history (the sequential p-value over time) without
 * reading raw events. Kept by the same statements that keep the totals. What was aggregated
 * before this migration is not dated: it is put on the day the migration runs.
 */
export class ExperimentDailyAggregates1796920000000 implements MigrationInterface {
  name = 'ExperimentDailyAggregates1796920000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "experiment_exposure_daily" ("experiment_id" uuid NOT NULL, "variant_key" text NOT NULL, "day" date NOT NULL, "exposures" bigint NOT NULL, CONSTRAINT "pk_experiment_exposure_daily" PRIMARY KEY ("experiment_id", "variant_key", "day"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "experiment_metric_daily" ("experiment_id" uuid NOT NULL, "variant_key" text NOT NULL, "event_name" text NOT NULL, "day" date NOT NULL, "converters" bigint NOT NULL, "events" bigint NOT NULL, "sum" double precision NOT NULL, "sum_of_squares" double precision NOT NULL, CONSTRAINT "pk_experiment_metric_daily" PRIMARY KEY ("experiment_id", "variant_key", "event_name", "day"))`,
    );
    // Exposures keep their own times.
    await queryRunner.query(
      `INSERT INTO "experiment_exposure_daily" ("experiment_id", "variant_key", "day", "exposures")
       SELECT experiment_id, variant_key, (exposed_at AT TIME ZONE 'UTC')::date, count(*)
       FROM "experiment_exposure" GROUP BY 1, 2, 3`,
    );
    await queryRunner.query(
      `INSERT INTO "experiment_metric_daily" ("experiment_id", "variant_key", "event_name", "day", "converters", "events", "sum", "sum_of_squares")
       SELECT experiment_id, variant_key, event_name, (now() AT TIME ZONE 'UTC')::date, converters, events, sum, sum_of_squares
       FROM "experiment_metric_total"`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "experiment_metric_daily"`);
    await queryRunner.query(`DROP TABLE "experiment_exposure_daily"`);
  }
}
