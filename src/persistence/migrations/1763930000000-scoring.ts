import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** Stored final scores (versioned, history kept), manual adjustments and scoreboard controls. */
export class Scoring1763930000000 implements MigrationInterface {
  name = 'Scoring1763930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'exercise_scores',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'exercise_id', type: 'varchar', length: '36' },
          { name: 'team_id', type: 'varchar', length: '36' },
          { name: 'scenario_version_id', type: 'varchar', length: '36' },
          { name: 'version_no', type: 'integer' },
          { name: 'total', type: 'real' },
          { name: 'score_index', type: 'real' },
          { name: 'rank', type: 'integer' },
          { name: 'score_json', type: 'text' },
          { name: 'summary_json', type: 'text' },
          { name: 'reason', type: 'text' },
          { name: 'computed_at', type: 'varchar', length: '32' },
          { name: 'computed_by', type: 'varchar', length: '36', isNullable: true },
          { name: 'current', type: 'boolean' },
        ],
        foreignKeys: [
          { columnNames: ['exercise_id'], referencedTableName: 'exercises', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
          { columnNames: ['scenario_version_id'], referencedTableName: 'scenario_versions', referencedColumnNames: ['id'] },
        ],
        indices: [
          { name: 'ux_exercise_scores_version_team', columnNames: ['exercise_id', 'version_no', 'team_id'], isUnique: true },
          { name: 'ix_exercise_scores_current', columnNames: ['exercise_id', 'current'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'exercise_score_adjustments',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'exercise_id', type: 'varchar', length: '36' },
          { name: 'team_id', type: 'varchar', length: '36' },
          { name: 'component', type: 'varchar', length: '16' },
          { name: 'points', type: 'real' },
          { name: 'reason', type: 'text' },
          { name: 'by_user_id', type: 'varchar', length: '36' },
          { name: 'by_username', type: 'varchar', length: '100' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [{ columnNames: ['exercise_id'], referencedTableName: 'exercises', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
        indices: [{ name: 'ix_exercise_score_adjustments_team', columnNames: ['exercise_id', 'team_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'exercise_scoreboards',
        columns: [
          { name: 'exercise_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'frozen', type: 'boolean' },
          { name: 'frozen_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'frozen_rows_json', type: 'text', isNullable: true },
          { name: 'updated_by', type: 'varchar', length: '36', isNullable: true },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [{ columnNames: ['exercise_id'], referencedTableName: 'exercises', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('exercise_scoreboards');
    await queryRunner.dropTable('exercise_score_adjustments');
    await queryRunner.dropTable('exercise_scores');
  }
}
