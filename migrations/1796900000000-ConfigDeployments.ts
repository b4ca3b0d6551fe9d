import { MigrationInterface, QueryRunner } from 'typeorm';

/** Progressive deployments of a config's candidate state (docs/deployments.md). */
export class ConfigDeployments1796900000000 implements MigrationInterface {
  name = 'ConfigDeployments1796900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "config_deployment" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "environment_id" uuid NOT NULL,
                "config_id" uuid NOT NULL,
                "config_key" text NOT NULL,
                "from_version" integer NOT NULL,
                "candidate" jsonb NOT NULL,
                "strategy" text NOT NULL,
                "parameters" jsonb NOT NULL DEFAULT '{}',
                "steps" jsonb NOT NULL,
                "current_step" integer NOT NULL DEFAULT 0,
                "current_percentage" numeric(5,2) NOT NULL DEFAULT 0,
                "status" text NOT NULL,
                "next_step_at" timestamptz,
                "on_guard_trip" text NOT NULL DEFAULT 'rollback',
                "started_by" text NOT NULL,
                "paused_by" text,
                "resumed_by" text,
                "rolled_back_by" text,
                "reason" text,
                "comment" text,
                "started_at" timestamptz NOT NULL,
                "paused_at" timestamptz,
                "ended_at" timestamptz,
                "created_at" timestamptz NOT NULL DEFAULT now(),
                "updated_at" timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT "pk_config_deployment" PRIMARY KEY ("id"),
                CONSTRAINT "fk_config_deployment_environment" FOREIGN KEY ("environment_id")
                    REFERENCES "environment" ("id") ON DELETE CASCADE,
                CONSTRAINT "fk_config_deployment_config" FOREIGN KEY ("config_id")
                    REFERENCES "business_config" ("id") ON DELETE CASCADE,
                CONSTRAINT "ck_config_deployment_status" CHECK ("status" IN
                    ('pending', 'in_progress', 'paused', 'completed', 'rolled_back', 'failed')),
                CONSTRAINT "ck_config_deployment_strategy"
                    CHECK ("strategy" IN ('immediate', 'canary', 'linear', 'exponential')),
                CONSTRAINT "ck_config_deployment_on_guard_trip"
                    CHECK ("on_guard_trip" IN ('rollback', 'pause'))
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_config_deployment_config"
            ON "config_deployment" ("config_id", "created_at", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_config_deployment_environment"
            ON "config_deployment" ("environment_id", "created_at", "id")
        `);
    // At most one active deployment per config, whatever races the service loses.
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_config_deployment_config_active" ON "config_deployment"
            ("config_id") WHERE "status" IN ('pending', 'in_progress', 'paused')
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_config_deployment_due" ON "config_deployment" ("next_step_at")
            WHERE "status" = 'in_progress'
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "config_deployment"`);
  }
}
