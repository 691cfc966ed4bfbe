import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Instructors' grades of filed reports (accepted / revision requested, with a comment and points). */
export class ReportGrades1765000000900 implements MigrationInterface {
  name = 'ReportGrades1765000000900';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'exercise_report_grades',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'exercise_id', type: 'varchar', length: '36' },
          { name: 'team_id', type: 'varchar', length: '36' },
          { name: 'report_id', type: 'varchar', length: '64' },
          { name: 'seq', type: 'integer' },
          { name: 'verdict', type: 'varchar', length: '24' },
          { name: 'comment', type: 'text' },
          { name: 'points', type: 'integer' },
          { name: 'adjustment_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'by_user_id', type: 'varchar', length: '36' },
          { name: 'by_username', type: 'varchar', length: '100' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [{ columnNames: ['exercise_id'], referencedTableName: 'exercises', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
        indices: [{ name: 'ix_exercise_report_grades_team', columnNames: ['exercise_id', 'team_id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('exercise_report_grades');
  }
}
