import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * Restores the unique index on (exercise_id, action_id) of the exercise journal, so that a trainee
 * action is recorded at most once whatever any process keeps in memory. Null action ids (injects,
 * seeks) are not constrained. A journal that already holds a duplicate is reported, never repaired.
 */
export class JournalActionUnique1765000000000 implements MigrationInterface {
  name = 'JournalActionUnique1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const duplicates = (await queryRunner.query(
      'SELECT exercise_id AS "exerciseId", action_id AS "actionId", COUNT(*) AS n FROM exercise_journal WHERE action_id IS NOT NULL GROUP BY exercise_id, action_id HAVING COUNT(*) > 1',
    )) as Array<{ exerciseId: string; actionId: string }>;
    if (duplicates.length > 0) {
      const list = duplicates
        .slice(0, 5)
        .map((d) => `${d.exerciseId}/${d.actionId}`)
        .join(', ');
      throw new Error(
        `exercise_journal records ${duplicates.length} action id(s) more than once (${list}); restore a backup taken before the duplicates or remove them by hand, then start again`,
      );
    }
    await queryRunner.createIndex(
      'exercise_journal',
      new TableIndex({ name: 'ux_exercise_journal_action', columnNames: ['exercise_id', 'action_id'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('exercise_journal', 'ux_exercise_journal_action');
  }
}
