import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * Reading one team's recorded actions without scanning the whole exercise journal: a partial index
 * on (exercise_id, team_id, team_seq) over trainee actions only (injects and seeks have no team
 * seq). Not unique: seqs are assigned in memory before an action is applied, as before. Each scoring
 * worker and each review then reads only its teams' rows instead of every row of the exercise.
 * Likewise a partial index over the (few) library injects, which every team-log read looks up.
 *
 * And `score_inputs` on stored score versions: what a team's full score (its line items) is
 * recomputed from on demand, out of the finished exercise's log (member ids, adjustments, end
 * instant, phase). Versions stored before keep their full JSON in `score_json`.
 */
export class JournalTeamRead1765000000600 implements MigrationInterface {
  name = 'JournalTeamRead1765000000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'exercise_journal',
      new TableIndex({ name: 'ix_exercise_journal_team', columnNames: ['exercise_id', 'team_id', 'team_seq'], where: 'team_seq IS NOT NULL' }),
    );
    await queryRunner.createIndex(
      'exercise_journal',
      new TableIndex({ name: 'ix_exercise_journal_inject', columnNames: ['exercise_id', 'ordinal'], where: "type = 'inject'" }),
    );
    // A plain ALTER TABLE: TypeORM's addColumn recreates the table on SQLite, copying every stored version.
    await queryRunner.query(`ALTER TABLE "exercise_scores" ADD COLUMN "score_inputs" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "exercise_scores" DROP COLUMN "score_inputs"`);
    await queryRunner.dropIndex('exercise_journal', 'ix_exercise_journal_inject');
    await queryRunner.dropIndex('exercise_journal', 'ix_exercise_journal_team');
  }
}
