import { MigrationInterface, QueryRunner } from 'typeorm';

/** The configs list sorted by last change (`orderBy: { field: UPDATED_AT }`), page by page. */
export class ConfigsByUpdatedAt1796189917462 implements MigrationInterface {
  name = 'ConfigsByUpdatedAt1796189917462';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_business_config_environment_updated" ON "business_config" ("environment_id", "updated_at", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_business_config_environment_updated"`);
  }
}
