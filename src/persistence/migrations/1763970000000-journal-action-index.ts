import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * Drops the unique index on (exercise_id, action_id) of the exercise journal. Action ids are
 * client-generated random UUIDs, so every insert landed on a random leaf page of that index: a
 * group commit of ~45 actions dirtied ~45 extra pages, which more than doubled the cost of a
 * trainee action in SQLite (69 to 30 µs of CPU per row, 150 to 58 µs of wall time, measured with
 * 100,000 rows). Idempotency is enforced where it always was, before the action is applied: the
 * triage service keeps every action id of a live exercise in memory, rebuilt from the journal.
 */
export class JournalActionIndex1763970000000 implements MigrationInterface {
  name = 'JournalActionIndex1763970000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('exercise_journal', 'ux_exercise_journal_action');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'exercise_journal',
      new TableIndex({ name: 'ux_exercise_journal_action', columnNames: ['exercise_id', 'action_id'], isUnique: true }),
    );
  }
}
