import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Single sign-on: each SSO user's link to the identity provider's (issuer, subject). */
export class UserSsoLinks1765000000800 implements MigrationInterface {
  name = 'UserSsoLinks1765000000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'user_sso_links',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'issuer', type: 'varchar', length: '512' },
          { name: 'subject', type: 'varchar', length: '255' },
          { name: 'created_at', type: 'varchar', length: '32' },
          { name: 'last_login_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
        indices: [new TableIndex({ name: 'ux_user_sso_links_issuer_subject', columnNames: ['issuer', 'subject'], isUnique: true })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_sso_links');
  }
}
