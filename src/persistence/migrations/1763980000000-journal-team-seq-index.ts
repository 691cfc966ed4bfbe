import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * Drops the unique index on (exercise_id, team_id, team_seq) of the exercise journal. Each team
 * appends at its own place in that index, so a group commit of actions from fifty teams dirtied
 * one leaf page per team, and SQLite writes every dirty page to the WAL at each commit: measured
 * on 45-row commits, 30 µs of CPU per row with the index against 8 without. Nothing needs it:
 * seqs are assigned in memory, one after the other, before an action is applied; the triage
 * cache keeps each team's row ordinals for reading a team's actions by primary key; the
 * cockpit's last action per team comes from that cache too.
 */
export class JournalTeamSeqIndex1763980000000 implements MigrationInterface {
  name = 'JournalTeamSeqIndex1763980000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('exercise_journal', 'ux_exercise_journal_team_seq');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'exercise_journal',
      new TableIndex({ name: 'ux_exercise_journal_team_seq', columnNames: ['exercise_id', 'team_id', 'team_seq'], isUnique: true }),
    );
  }
}
