import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The function a change statement calls to undo itself when its precondition wrote and its
 * config write did not (src/modules/configs/change-statement.ts): SQLSTATE BC409.
 */
export class ChangePreconditionGuard1796980000001 implements MigrationInterface {
  name = 'ChangePreconditionGuard1796980000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION change_precondition_unmet() RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the change''s precondition was written but its config write was not'
          USING ERRCODE = 'BC409';
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION change_precondition_unmet()`);
  }
}
