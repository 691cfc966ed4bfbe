import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

const id = { name: 'id', type: 'varchar', length: '36', isPrimary: true } as const;
const createdAt = { name: 'created_at', type: 'varchar', length: '32' } as const;

/** Organisations, their units, users and their roles. */
export class Identity1763890000000 implements MigrationInterface {
  name = 'Identity1763890000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'organisations',
        columns: [id, { name: 'code', type: 'varchar', length: '40', isUnique: true }, { name: 'name', type: 'text' }, createdAt],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'units',
        columns: [
          id,
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'code', type: 'varchar', length: '40' },
          { name: 'name', type: 'text' },
          createdAt,
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['org_id'], referencedTableName: 'organisations', referencedColumnNames: ['id'] })],
        indices: [new TableIndex({ name: 'ux_units_org_code', columnNames: ['org_id', 'code'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          { name: 'username', type: 'varchar', length: '64', isUnique: true },
          { name: 'display_name', type: 'text' },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'unit_id', type: 'varchar', length: '36' },
          { name: 'password_hash', type: 'text', isNullable: true },
          { name: 'disabled', type: 'boolean', default: false },
          { name: 'token_version', type: 'integer', default: 0 },
          { name: 'session_epoch', type: 'integer', default: 0 },
          createdAt,
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['org_id'], referencedTableName: 'organisations', referencedColumnNames: ['id'] }),
          new TableForeignKey({ columnNames: ['unit_id'], referencedTableName: 'units', referencedColumnNames: ['id'] }),
        ],
        indices: [new TableIndex({ name: 'ix_users_org_unit', columnNames: ['org_id', 'unit_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'user_roles',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'role', type: 'varchar', length: '16', isPrimary: true },
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
        indices: [new TableIndex({ name: 'ix_user_roles_role', columnNames: ['role'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_roles');
    await queryRunner.dropTable('users');
    await queryRunner.dropTable('units');
    await queryRunner.dropTable('organisations');
  }
}
