import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

export class Exercises1763900000000 implements MigrationInterface {
  name = 'Exercises1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'exercises',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'scenario_version_id', type: 'varchar', length: '36' },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'era', type: 'varchar', length: '16' },
          { name: 'seed', type: 'varchar', length: '64' },
          { name: 'start_mode', type: 'varchar', length: '16' },
          { name: 'scheduled_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'score_visibility', type: 'varchar', length: '8' },
          { name: 'clock_json', type: 'text' },
          { name: 'org_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_by', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [{ columnNames: ['scenario_version_id'], referencedTableName: 'scenario_versions', referencedColumnNames: ['id'] }],
      }),
    );
    await queryRunner.createIndex('exercises', new TableIndex({ name: 'ix_exercises_status', columnNames: ['status'] }));
    await queryRunner.createTable(
      new Table({
        name: 'exercise_teams',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'exercise_id', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'ordinal', type: 'integer' },
        ],
        foreignKeys: [{ columnNames: ['exercise_id'], referencedTableName: 'exercises', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
        indices: [{ name: 'ux_exercise_teams_ordinal', columnNames: ['exercise_id', 'ordinal'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'exercise_members',
        columns: [
          { name: 'team_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'exercise_id', type: 'varchar', length: '36' },
        ],
        foreignKeys: [{ columnNames: ['team_id'], referencedTableName: 'exercise_teams', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
        indices: [{ name: 'ux_exercise_members_user', columnNames: ['exercise_id', 'user_id'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'exercise_transitions',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'exercise_id', type: 'varchar', length: '36' },
          { name: 'from_status', type: 'varchar', length: '16' },
          { name: 'to_status', type: 'varchar', length: '16' },
          { name: 'by_user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'at_wall', type: 'varchar', length: '32' },
          { name: 'at_virtual_ms', type: 'bigint' },
        ],
        indices: [{ name: 'ix_exercise_transitions', columnNames: ['exercise_id', 'id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'exercise_events',
        columns: [
          { name: 'team_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'seq', type: 'integer', isPrimary: true },
          { name: 'exercise_id', type: 'varchar', length: '36' },
          { name: 'event_id', type: 'varchar', length: '120' },
          { name: 'virtual_ms', type: 'bigint' },
          { name: 'delivered_virtual_ms', type: 'bigint' },
          { name: 'scheduled_wall_ms', type: 'bigint' },
          { name: 'catch_up', type: 'boolean' },
          { name: 'origin', type: 'varchar', length: '16' },
          { name: 'payload', type: 'text' },
        ],
        indices: [{ name: 'ix_exercise_events_exercise', columnNames: ['exercise_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'exercise_journal',
        columns: [
          { name: 'exercise_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'ordinal', type: 'integer', isPrimary: true },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'team_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'action_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'virtual_ms', type: 'bigint' },
          { name: 'wall_ms', type: 'bigint' },
          { name: 'payload', type: 'text' },
        ],
        indices: [{ name: 'ux_exercise_journal_action', columnNames: ['exercise_id', 'action_id'], isUnique: true }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['exercise_journal', 'exercise_events', 'exercise_transitions', 'exercise_members', 'exercise_teams', 'exercises']) {
      await queryRunner.dropTable(table);
    }
  }
}
