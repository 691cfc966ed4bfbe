import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

export class ScenarioVersions1763880000000 implements MigrationInterface {
  name = 'ScenarioVersions1763880000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'scenario_versions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'scenario_id', type: 'varchar', length: '80' },
          { name: 'version', type: 'varchar', length: '32' },
          { name: 'content_hash', type: 'varchar', length: '64' },
          { name: 'title_vi', type: 'text' },
          { name: 'title_en', type: 'text' },
          { name: 'origin', type: 'varchar', length: '16' },
          { name: 'format', type: 'varchar', length: '8' },
          { name: 'source_text', type: 'text' },
          { name: 'normalized_json', type: 'text' },
          { name: 'event_count', type: 'integer' },
          { name: 'created_by', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'scenario_versions',
      new TableIndex({ name: 'ux_scenario_versions_hash', columnNames: ['scenario_id', 'content_hash'], isUnique: true }),
    );
    await queryRunner.createIndex('scenario_versions', new TableIndex({ name: 'ix_scenario_versions_id', columnNames: ['scenario_id', 'created_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('scenario_versions');
  }
}
