import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exposures, events and their incremental aggregates (docs/experiments.md, "Exposures and
 * events"). Results read the count and total tables only, never the raw events.
 */
export class ExperimentEvents1796700000000 implements MigrationInterface {
  name = 'ExperimentEvents1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // One row per (experiment, subject): the first time the subject was served the experiment.
    await queryRunner.query(
      `CREATE TABLE "experiment_exposure" ("experiment_id" uuid NOT NULL, "subject" text NOT NULL, "environment_id" uuid NOT NULL, "variant_key" text NOT NULL, "exposed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_experiment_exposure" PRIMARY KEY ("experiment_id", "subject"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_experiment_exposure_subject" ON "experiment_exposure" ("environment_id", "subject")`,
    );
    // Kept by the same statement that inserts exposures, from the rows it actually inserted.
    await queryRunner.query(
      `CREATE TABLE "experiment_exposure_count" ("experiment_id" uuid NOT NULL, "variant_key" text NOT NULL, "exposures" bigint NOT NULL, CONSTRAINT "pk_experiment_exposure_count" PRIMARY KEY ("experiment_id", "variant_key"))`,
    );
    // Raw events, idempotent by (environment, id); seq orders them for the aggregation watermark.
    await queryRunner.query(
      `CREATE TABLE "experiment_event" ("seq" bigserial NOT NULL, "environment_id" uuid NOT NULL, "event_id" text NOT NULL, "experiment_id" uuid, "event_name" text NOT NULL, "subject" text NOT NULL, "value" double precision, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_experiment_event" PRIMARY KEY ("seq"), CONSTRAINT "uq_experiment_event_id" UNIQUE ("environment_id", "event_id"))`,
    );
    // Per subject and event name: the subject's running total (the unit of analysis).
    await queryRunner.query(
      `CREATE TABLE "experiment_subject_metric" ("experiment_id" uuid NOT NULL, "event_name" text NOT NULL, "subject" text NOT NULL, "variant_key" text NOT NULL, "events" bigint NOT NULL, "total" double precision NOT NULL, CONSTRAINT "pk_experiment_subject_metric" PRIMARY KEY ("experiment_id", "event_name", "subject"))`,
    );
    // Per variant and event name: converters, events, and the sum and sum of squares of the
    // subjects' totals.
    await queryRunner.query(
      `CREATE TABLE "experiment_metric_total" ("experiment_id" uuid NOT NULL, "variant_key" text NOT NULL, "event_name" text NOT NULL, "converters" bigint NOT NULL, "events" bigint NOT NULL, "sum" double precision NOT NULL, "sum_of_squares" double precision NOT NULL, CONSTRAINT "pk_experiment_metric_total" PRIMARY KEY ("experiment_id", "variant_key", "event_name"))`,
    );
    // The last event seq folded into the aggregates; one row, locked by the folding job.
    await queryRunner.query(
      `CREATE TABLE "experiment_event_watermark" ("id" smallint NOT NULL, "seq" bigint NOT NULL, CONSTRAINT "pk_experiment_event_watermark" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`INSERT INTO "experiment_event_watermark" ("id", "seq") VALUES (1, 0)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "experiment_event_watermark"`);
    await queryRunner.query(`DROP TABLE "experiment_metric_total"`);
    await queryRunner.query(`DROP TABLE "experiment_subject_metric"`);
    await queryRunner.query(`DROP TABLE "experiment_event"`);
    await queryRunner.query(`DROP TABLE "experiment_exposure_count"`);
    await queryRunner.query(`DROP INDEX "public"."ix_experiment_exposure_subject"`);
    await queryRunner.query(`DROP TABLE "experiment_exposure"`);
  }
}
