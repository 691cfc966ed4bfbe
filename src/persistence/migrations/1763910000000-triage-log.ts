import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Trainee triage actions live in the exercise journal (one log): each action row also carries its
 * per-team action seq and the full recorded action (triage payload, result, user) as JSON.
 */
export class TriageLog1763910000000 implements MigrationInterface {
  name = 'TriageLog1763910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('exercise_journal', [
      new TableColumn({ name: 'team_seq', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'detail', type: 'text', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'exercise_journal',
      new TableIndex({ name: 'ux_exercise_journal_team_seq', columnNames: ['exercise_id', 'team_id', 'team_seq'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('exercise_journal', 'ux_exercise_journal_team_seq');
    await queryRunner.dropColumns('exercise_journal', ['team_seq', 'detail']);
  }
}
