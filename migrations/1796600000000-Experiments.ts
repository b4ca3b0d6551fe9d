import { MigrationInterface, QueryRunner } from 'typeorm';

/** Experiments on a config and their stored random assignments (docs/experiments.md). */
export class Experiments1796600000000 implements MigrationInterface {
  name = 'Experiments1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "experiment" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "environment_id" uuid NOT NULL,
                "config_id" uuid NOT NULL,
                "config_key" text NOT NULL,
                "key" text NOT NULL,
                "name" text NOT NULL,
                "hypothesis" text NOT NULL DEFAULT '',
                "variants" jsonb NOT NULL,
                "traffic_percentage" numeric(5,2) NOT NULL,
                "assignment" text NOT NULL,
                "targeting" jsonb,
                "primary_metric" jsonb NOT NULL,
                "secondary_metrics" jsonb NOT NULL DEFAULT '[]',
                "sequential" boolean NOT NULL DEFAULT false,
                "sequential_tuning" double precision NOT NULL DEFAULT '5000',
                "status" text NOT NULL DEFAULT 'draft',
                "winner" text,
                "transitions" jsonb NOT NULL DEFAULT '[]',
                "run_windows" jsonb NOT NULL DEFAULT '[]',
                "started_at" timestamptz,
                "stopped_at" timestamptz,
                "created_at" timestamptz NOT NULL DEFAULT now(),
                "updated_at" timestamptz NOT NULL DEFAULT now(),
                "updated_by" text NOT NULL,
                CONSTRAINT "pk_experiment" PRIMARY KEY ("id"),
                CONSTRAINT "fk_experiment_environment" FOREIGN KEY ("environment_id")
                    REFERENCES "environment" ("id") ON DELETE CASCADE,
                CONSTRAINT "fk_experiment_config" FOREIGN KEY ("config_id")
                    REFERENCES "business_config" ("id") ON DELETE CASCADE,
                CONSTRAINT "ck_experiment_status"
                    CHECK ("status" IN ('draft', 'running', 'paused', 'completed', 'archived')),
                CONSTRAINT "ck_experiment_assignment"
                    CHECK ("assignment" IN ('consistent', 'random', 'targeting')),
                CONSTRAINT "ck_experiment_traffic"
                    CHECK ("traffic_percentage" > 0 AND "traffic_percentage" <= 100)
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_experiment_environment_key"
            ON "experiment" ("environment_id", "key")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_experiment_config" ON "experiment" ("config_id", "status")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_experiment_environment_created"
            ON "experiment" ("environment_id", "created_at", "id")
        `);
    // At most one running experiment per config, whatever races the service loses.
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_experiment_config_running"
            ON "experiment" ("config_id") WHERE "status" = 'running'
        `);
    await queryRunner.query(`
            CREATE TABLE "experiment_assignment" (
                "experiment_id" uuid NOT NULL,
                "subject" text NOT NULL,
                "variant_key" text NOT NULL,
                "assigned_at" timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT "pk_experiment_assignment" PRIMARY KEY ("experiment_id", "subject"),
                CONSTRAINT "fk_experiment_assignment_experiment" FOREIGN KEY ("experiment_id")
                    REFERENCES "experiment" ("id") ON DELETE CASCADE
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "experiment_assignment"`);
    await queryRunner.query(`DROP TABLE "experiment"`);
  }
}
