import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Users' saved log searches (Tra cứu nhật ký), private to each user. */
export class SavedLogQueries1765000001200 implements MigrationInterface {
  name = 'SavedLogQueries1765000001200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'saved_log_queries',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '120' },
          { name: 'query', type: 'text' },
          { name: 'columns_json', type: 'text' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
        indices: [{ name: 'ix_saved_log_queries_user', columnNames: ['user_id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('saved_log_queries');
  }
}
