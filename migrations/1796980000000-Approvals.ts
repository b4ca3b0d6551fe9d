import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API key owners, approval policies with their audit trail, change requests and their
 * reviews (docs/approvals.md).
 */
export class Approvals1796980000000 implements MigrationInterface {
  name = 'Approvals1796980000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_key" ADD "owner_name" text`);
    await queryRunner.query(`ALTER TABLE "api_key" ADD "owner_email" text`);
    await queryRunner.query(
      `CREATE TABLE "approval_policy" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "environment_id" uuid NOT NULL, "name" text NOT NULL, "config_key_pattern" text, "levels" jsonb NOT NULL, "rejection_closes" boolean NOT NULL DEFAULT true, "edit_resets_reviews" boolean NOT NULL DEFAULT true, "allow_admin_bypass" boolean NOT NULL DEFAULT false, "exempt_safety_actions" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_by" text NOT NULL, CONSTRAINT "pk_approval_policy" PRIMARY KEY ("id"), CONSTRAINT "fk_approval_policy_environment" FOREIGN KEY ("environment_id") REFERENCES "environment"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_approval_policy_name" ON "approval_policy" ("environment_id", "name")`,
    );
    // One policy per pattern, and one without a pattern, per environment.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_approval_policy_pattern" ON "approval_policy" ("environment_id", coalesce("config_key_pattern", ''))`,
    );
    await queryRunner.query(
      `CREATE TABLE "approval_policy_change" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "environment_id" uuid NOT NULL, "policy_id" uuid NOT NULL, "policy_name" text NOT NULL, "action" text NOT NULL, "before" jsonb, "after" jsonb, "actor_id" uuid, "actor_name" text NOT NULL, "comment" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_approval_policy_change" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_approval_policy_change_environment" ON "approval_policy_change" ("environment_id", "created_at", "id")`,
    );
    // The audit trail is append-only, like the config history.
    await queryRunner.query(`CREATE FUNCTION approval_policy_change_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'approval_policy_change is append-only: % is refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER approval_policy_change_no_rewrite BEFORE UPDATE OR DELETE ON "approval_policy_change" FOR EACH ROW EXECUTE FUNCTION approval_policy_change_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER approval_policy_change_no_truncate BEFORE TRUNCATE ON "approval_policy_change" FOR EACH STATEMENT EXECUTE FUNCTION approval_policy_change_append_only()`,
    );
    await queryRunner.query(
      `CREATE TABLE "config_approval" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "environment_id" uuid NOT NULL, "config_key" text NOT NULL, "config_id" uuid, "kind" text NOT NULL, "proposal" jsonb NOT NULL DEFAULT '{}', "proposed_state" jsonb, "base_state" jsonb, "base_version" integer NOT NULL, "policy_id" uuid, "policy_name" text NOT NULL, "levels" jsonb NOT NULL, "rejection_closes" boolean NOT NULL, "edit_resets_reviews" boolean NOT NULL, "requester_id" uuid NOT NULL, "requester_name" text NOT NULL, "requester_person" text NOT NULL, "requester_email" text, "comment" text, "status" text NOT NULL, "round" integer NOT NULL DEFAULT 1, "current_level" integer NOT NULL DEFAULT 0, "apply_at" TIMESTAMP WITH TIME ZONE, "reason" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "applied_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_config_approval" PRIMARY KEY ("id"), CONSTRAINT "fk_config_approval_environment" FOREIGN KEY ("environment_id") REFERENCES "environment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_config_approval_environment" ON "config_approval" ("environment_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_config_approval_config" ON "config_approval" ("environment_id", "config_key", "status")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_config_approval_due" ON "config_approval" ("apply_at") WHERE status IN ('approved', 'scheduled')`,
    );
    await queryRunner.query(
      `CREATE TABLE "config_approval_review" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "approval_id" uuid NOT NULL, "round" integer NOT NULL, "level" integer NOT NULL, "reviewer_id" uuid NOT NULL, "reviewer_name" text NOT NULL, "reviewer_person" text NOT NULL, "decision" text NOT NULL, "comment" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_config_approval_review" PRIMARY KEY ("id"), CONSTRAINT "fk_config_approval_review_approval" FOREIGN KEY ("approval_id") REFERENCES "config_approval"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_config_approval_review_person" ON "config_approval_review" ("approval_id", "round", "level", "reviewer_person")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "config_approval_review"`);
    await queryRunner.query(`DROP TABLE "config_approval"`);
    await queryRunner.query(`DROP TABLE "approval_policy_change"`);
    await queryRunner.query(`DROP FUNCTION approval_policy_change_append_only()`);
    await queryRunner.query(`DROP TABLE "approval_policy"`);
    await queryRunner.query(`ALTER TABLE "api_key" DROP COLUMN "owner_email"`);
    await queryRunner.query(`ALTER TABLE "api_key" DROP COLUMN "owner_name"`);
  }
}
