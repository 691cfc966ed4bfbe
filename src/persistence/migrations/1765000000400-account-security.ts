import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Failed logins per account name (for the per-account limit) and the first-login password change. */
export class AccountSecurity1765000000400 implements MigrationInterface {
  name = 'AccountSecurity1765000000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('users', new TableColumn({ name: 'must_change_password', type: 'boolean', default: false }));
    await queryRunner.createTable(
      new Table({
        name: 'login_failures',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'username', type: 'varchar', length: '64' },
          { name: 'at_ms', type: 'bigint' },
          { name: 'client_ip', type: 'varchar', length: '64', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'ix_login_failures_username_at', columnNames: ['username', 'at_ms'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('login_failures');
    await queryRunner.dropColumn('users', 'must_change_password');
  }
}
