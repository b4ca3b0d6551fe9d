import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per config while a running experiment or an active deployment holds it: its primary
 * key refuses a second start that raced past the services' checks (docs/deployments.md).
 */
export class ConfigExclusiveActivity1796940000000 implements MigrationInterface {
  name = 'ConfigExclusiveActivity1796940000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "config_exclusive_activity" (
                "config_id" uuid NOT NULL,
                "kind" text NOT NULL,
                "activity_id" uuid NOT NULL,
                "environment_id" uuid,
                CONSTRAINT "pk_config_exclusive_activity" PRIMARY KEY ("config_id"),
                CONSTRAINT "fk_config_exclusive_activity_config" FOREIGN KEY ("config_id")
                    REFERENCES "business_config" ("id") ON DELETE CASCADE,
                CONSTRAINT "ck_config_exclusive_activity_kind"
                    CHECK ("kind" IN ('experiment', 'deployment'))
            )
        `);
    // Where a race already left both, the experiment keeps the config (it is served first).
    await queryRunner.query(`
            INSERT INTO "config_exclusive_activity" ("config_id", "kind", "activity_id", "environment_id")
            SELECT "config_id", 'experiment', "id", "environment_id" FROM "experiment"
            WHERE "status" = 'running'
            ON CONFLICT DO NOTHING
        `);
    await queryRunner.query(`
            INSERT INTO "config_exclusive_activity" ("config_id", "kind", "activity_id", "environment_id")
            SELECT "config_id", 'deployment', "id", "environment_id" FROM "config_deployment"
            WHERE "status" IN ('pending', 'in_progress', 'paused')
            ON CONFLICT DO NOTHING
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "config_exclusive_activity"`);
  }
}
