import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email deliveries to a person's address (the approvers and requester of a change request),
 * besides those to an environment's endpoints and recipients: a delivery has exactly one
 * target.
 */
export class PersonalNotifications1796980000002 implements MigrationInterface {
  name = 'PersonalNotifications1796980000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notification_delivery" ADD "address" text`);
    await queryRunner.query(`ALTER TABLE "notification_delivery" ADD "address_name" text`);
    await queryRunner.query(
      `ALTER TABLE "notification_delivery" DROP CONSTRAINT "ck_notification_delivery_target"`,
    );
    await queryRunner.query(
      `ALTER TABLE "notification_delivery" ADD CONSTRAINT "ck_notification_delivery_target" CHECK (num_nonnulls(endpoint_id, recipient_id, address) = 1)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_notification_delivery_address" ON "notification_delivery" ("event_id", "address") WHERE address IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "notification_delivery" WHERE "address" IS NOT NULL`);
    await queryRunner.query(`DROP INDEX "uq_notification_delivery_address"`);
    await queryRunner.query(
      `ALTER TABLE "notification_delivery" DROP CONSTRAINT "ck_notification_delivery_target"`,
    );
    await queryRunner.query(
      `ALTER TABLE "notification_delivery" ADD CONSTRAINT "ck_notification_delivery_target" CHECK ((endpoint_id IS NULL) <> (recipient_id IS NULL))`,
    );
    await queryRunner.query(`ALTER TABLE "notification_delivery" DROP COLUMN "address_name"`);
    await queryRunner.query(`ALTER TABLE "notification_delivery" DROP COLUMN "address"`);
  }
}
