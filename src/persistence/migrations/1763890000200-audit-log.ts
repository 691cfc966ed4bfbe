import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Append-only audit log; the database itself refuses UPDATE and DELETE on it. */
export class AuditLog1763890000200 implements MigrationInterface {
  name = 'AuditLog1763890000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'at', type: 'varchar', length: '32' },
          { name: 'actor_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'actor_username', type: 'varchar', length: '64', isNullable: true },
          { name: 'org_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'action', type: 'varchar', length: '80' },
          { name: 'target_type', type: 'varchar', length: '40' },
          { name: 'target_id', type: 'varchar', length: '80', isNullable: true },
          { name: 'before_json', type: 'text', isNullable: true },
          { name: 'after_json', type: 'text', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'ix_audit_log_org', columnNames: ['org_id', 'id'] }),
          new TableIndex({ name: 'ix_audit_log_target', columnNames: ['target_type', 'target_id'] }),
        ],
      }),
    );
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query(
        `CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`,
      );
      await queryRunner.query(
        'CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()',
      );
    } else {
      await queryRunner.query(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`);
      await queryRunner.query(`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query('DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log');
      await queryRunner.query('DROP FUNCTION IF EXISTS audit_log_append_only()');
    }
    await queryRunner.dropTable('audit_log');
  }
}
