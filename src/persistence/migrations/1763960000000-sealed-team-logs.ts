import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * A finished exercise's per-team logs in one compact document each: a derived copy of the journal
 * and event rows, written with the final scores. Retired; DropSealedTeamLogs1765000000500 drops it.
 */
export class SealedTeamLogs1763960000000 implements MigrationInterface {
  name = 'SealedTeamLogs1763960000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'exercise_sealed_logs',
        columns: [
          { name: 'exercise_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'team_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'format', type: 'integer' },
          { name: 'journal_ordinal', type: 'integer', comment: 'MAX(ordinal) of the exercise journal when sealed (-1: empty)' },
          { name: 'last_event_seq', type: 'integer', comment: 'MAX(seq) of the team events when sealed (0: none)' },
          { name: 'body', type: 'text' },
          { name: 'sealed_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [{ columnNames: ['exercise_id'], referencedTableName: 'exercises', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('exercise_sealed_logs');
  }
}
