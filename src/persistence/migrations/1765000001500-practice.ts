import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Self-paced practice: an exercise's kind (graded drill or a trainee's solo practice run), the
 * scenario versions each organisation has opened for practice, and the practice hints taken.
 * Plain ALTER TABLE for the reason given in 1763950000000 (SQLite would recreate `exercises`).
 */
export class Practice1765000001500 implements MigrationInterface {
  name = 'Practice1765000001500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "exercises" ADD COLUMN "kind" varchar(16) NOT NULL DEFAULT 'graded'`);
    await queryRunner.query(`ALTER TABLE "exercises" ADD COLUMN "last_activity_at" varchar(32)`);
    await queryRunner.query(`CREATE INDEX "ix_exercises_kind_status" ON "exercises" ("kind", "status")`);
    await queryRunner.createTable(
      new Table({
        name: 'practice_openings',
        columns: [
          { name: 'org_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'scenario_version_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'opened_by', type: 'varchar', length: '36' },
          { name: 'opened_at', type: 'varchar', length: '32' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'practice_hints_taken',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'exercise_id', type: 'varchar', length: '36' },
          { name: 'team_id', type: 'varchar', length: '36' },
          { name: 'hint_id', type: 'varchar', length: '80' },
          { name: 'alert_ref', type: 'varchar', length: '64', isNullable: true },
          { name: 'phase_id', type: 'varchar', length: '80', isNullable: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'at_wall', type: 'varchar', length: '32' },
          { name: 'at_virtual_ms', type: 'bigint' },
        ],
        foreignKeys: [{ columnNames: ['exercise_id'], referencedTableName: 'exercises', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
        indices: [{ name: 'ix_practice_hints_taken_exercise', columnNames: ['exercise_id', 'team_id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('practice_hints_taken');
    await queryRunner.dropTable('practice_openings');
    await queryRunner.query(`DROP INDEX "ix_exercises_kind_status"`);
    await queryRunner.query(`ALTER TABLE "exercises" DROP COLUMN "last_activity_at"`);
    await queryRunner.query(`ALTER TABLE "exercises" DROP COLUMN "kind"`);
  }
}
