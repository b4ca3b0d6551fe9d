import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert rules, their channels (links to webhook endpoints and email recipients) and their
 * events, with at most one unresolved event per rule (docs/alerts.md).
 */
export class Alerts1796970000000 implements MigrationInterface {
  name = 'Alerts1796970000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "config_alert" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "environment_id" uuid NOT NULL,
                "config_key" text,
                "name" text NOT NULL,
                "condition" text NOT NULL,
                "operator" text NOT NULL,
                "threshold" double precision NOT NULL,
                "window_minutes" integer NOT NULL,
                "minimum_sample" integer NOT NULL DEFAULT '0',
                "cooldown_minutes" integer NOT NULL DEFAULT '30',
                "severity" text NOT NULL DEFAULT 'warning',
                "enabled" boolean NOT NULL DEFAULT true,
                "guards_deployments" boolean NOT NULL DEFAULT false,
                "created_by" text NOT NULL,
                "updated_by" text NOT NULL,
                "evaluated_slot" bigint,
                "last_evaluated_at" TIMESTAMP WITH TIME ZONE,
                "last_value" double precision,
                "last_sample" bigint,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_config_alert_counts" CHECK (
                    "minimum_sample" >= 0
                    AND "cooldown_minutes" >= 0
                ),
                CONSTRAINT "ck_config_alert_window" CHECK (
                    "window_minutes" BETWEEN 1 AND 10080
                ),
                CONSTRAINT "ck_config_alert_severity" CHECK ("severity" IN ('info', 'warning', 'critical')),
                CONSTRAINT "ck_config_alert_operator" CHECK ("operator" IN ('gt', 'gte', 'lt', 'lte')),
                CONSTRAINT "ck_config_alert_condition" CHECK (
                    "condition" IN (
                        'error_rate',
                        'fetch_rate',
                        'usage_drop',
                        'validation_failure'
                    )
                ),
                CONSTRAINT "pk_config_alert" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_config_alert_environment" ON "config_alert" ("environment_id", "created_at", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "config_alert_webhook_endpoint" (
                "alert_id" uuid NOT NULL,
                "endpoint_id" uuid NOT NULL,
                CONSTRAINT "pk_config_alert_webhook_endpoint" PRIMARY KEY ("alert_id", "endpoint_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_config_alert_webhook_endpoint_endpoint" ON "config_alert_webhook_endpoint" ("endpoint_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "config_alert_email_recipient" (
                "alert_id" uuid NOT NULL,
                "recipient_id" uuid NOT NULL,
                CONSTRAINT "pk_config_alert_email_recipient" PRIMARY KEY ("alert_id", "recipient_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_config_alert_email_recipient_recipient" ON "config_alert_email_recipient" ("recipient_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "config_alert_event" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "alert_id" uuid NOT NULL,
                "environment_id" uuid NOT NULL,
                "config_key" text,
                "alert_name" text NOT NULL,
                "condition" text NOT NULL,
                "operator" text NOT NULL,
                "severity" text NOT NULL,
                "value" double precision NOT NULL,
                "threshold" double precision NOT NULL,
                "window_minutes" integer NOT NULL,
                "sample" bigint NOT NULL,
                "status" text NOT NULL DEFAULT 'open',
                "recovered_evaluations" integer NOT NULL DEFAULT '0',
                "opened_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "opened_by" text NOT NULL,
                "acknowledged_at" TIMESTAMP WITH TIME ZONE,
                "acknowledged_by" text,
                "comment" text,
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                "resolved_by" text,
                "deployment_id" uuid,
                "guard_tripped_at" TIMESTAMP WITH TIME ZONE,
                "guard_result" text,
                CONSTRAINT "ck_config_alert_event_status" CHECK ("status" IN ('open', 'acknowledged', 'resolved')),
                CONSTRAINT "pk_config_alert_event" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_config_alert_event_deployment" ON "config_alert_event" ("deployment_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_config_alert_event_alert" ON "config_alert_event" ("alert_id", "opened_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_config_alert_event_environment" ON "config_alert_event" ("environment_id", "opened_at", "id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_config_alert_event_unresolved" ON "config_alert_event" ("alert_id")
            WHERE "status" IN ('open', 'acknowledged')
        `);
    await queryRunner.query(`
            ALTER TABLE "config_alert"
            ADD CONSTRAINT "fk_config_alert_environment" FOREIGN KEY ("environment_id") REFERENCES "environment"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "config_alert_webhook_endpoint"
            ADD CONSTRAINT "fk_config_alert_webhook_endpoint_alert" FOREIGN KEY ("alert_id") REFERENCES "config_alert"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "config_alert_webhook_endpoint"
            ADD CONSTRAINT "fk_config_alert_webhook_endpoint_endpoint" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoint"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "config_alert_email_recipient"
            ADD CONSTRAINT "fk_config_alert_email_recipient_alert" FOREIGN KEY ("alert_id") REFERENCES "config_alert"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "config_alert_email_recipient"
            ADD CONSTRAINT "fk_config_alert_email_recipient_recipient" FOREIGN KEY ("recipient_id") REFERENCES "email_recipient"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "config_alert_event"
            ADD CONSTRAINT "fk_config_alert_event_alert" FOREIGN KEY ("alert_id") REFERENCES "config_alert"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "config_alert_event"
            ADD CONSTRAINT "fk_config_alert_event_environment" FOREIGN KEY ("environment_id") REFERENCES "environment"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "config_alert_event"
            ADD CONSTRAINT "fk_config_alert_event_deployment" FOREIGN KEY ("deployment_id") REFERENCES "config_deployment"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "config_alert_event"`);
    await queryRunner.query(`DROP TABLE "config_alert_email_recipient"`);
    await queryRunner.query(`DROP TABLE "config_alert_webhook_endpoint"`);
    await queryRunner.query(`DROP TABLE "config_alert"`);
  }
}
