import { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhook endpoints, email recipients and the delivery log (docs/notifications.md). */
export class Notifications1796930000000 implements MigrationInterface {
  name = 'Notifications1796930000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_endpoint" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "environment_id" uuid NOT NULL, "url" text NOT NULL, "description" text NOT NULL DEFAULT '', "event_types" text array NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "disabled_reason" text, "secret" text NOT NULL, "previous_secret" text, "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE, "failing_since" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_webhook_endpoint" PRIMARY KEY ("id"), CONSTRAINT "fk_webhook_endpoint_environment" FOREIGN KEY ("environment_id") REFERENCES "environment"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_endpoint_environment" ON "webhook_endpoint" ("environment_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "email_recipient" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "environment_id" uuid NOT NULL, "address" text NOT NULL, "name" text NOT NULL DEFAULT '', "event_types" text array NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_email_recipient" PRIMARY KEY ("id"), CONSTRAINT "fk_email_recipient_environment" FOREIGN KEY ("environment_id") REFERENCES "environment"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_email_recipient_address" ON "email_recipient" ("environment_id", "address")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_email_recipient_environment" ON "email_recipient" ("environment_id", "created_at", "id")`,
    );
    // A deleted endpoint or recipient takes its delivery log with it.
    await queryRunner.query(
      `CREATE TABLE "notification_delivery" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "environment_id" uuid NOT NULL, "event_id" text NOT NULL, "event_type" text NOT NULL, "payload" jsonb NOT NULL, "channel" text NOT NULL, "endpoint_id" uuid, "recipient_id" uuid, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT 0, "response_code" integer, "latency_ms" integer, "last_error" text, "next_attempt_at" TIMESTAMP WITH TIME ZONE, "claimed_until" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_notification_delivery" PRIMARY KEY ("id"), CONSTRAINT "ck_notification_delivery_target" CHECK ((endpoint_id IS NULL) <> (recipient_id IS NULL)), CONSTRAINT "fk_notification_delivery_endpoint" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoint"("id") ON DELETE CASCADE, CONSTRAINT "fk_notification_delivery_recipient" FOREIGN KEY ("recipient_id") REFERENCES "email_recipient"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_notification_delivery_endpoint" ON "notification_delivery" ("event_id", "endpoint_id") WHERE endpoint_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_notification_delivery_recipient" ON "notification_delivery" ("event_id", "recipient_id") WHERE recipient_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_notification_delivery_environment" ON "notification_delivery" ("environment_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_notification_delivery_due" ON "notification_delivery" ("next_attempt_at") WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_notification_delivery_endpoint" ON "notification_delivery" ("endpoint_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_notification_delivery_recipient" ON "notification_delivery" ("recipient_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "notification_delivery"`);
    await queryRunner.query(`DROP TABLE "email_recipient"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoint"`);
  }
}
