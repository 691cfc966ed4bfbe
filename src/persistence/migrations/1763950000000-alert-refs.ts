import { randomBytes } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-exercise secret behind opaque alert references. A plain ALTER TABLE rather than
 * `queryRunner.addColumn`: on SQLite TypeORM adds a column by recreating the table, and dropping
 * `exercises` with foreign keys on would cascade-delete every exercise's teams, events and journal.
 */
export class AlertRefs1763950000000 implements MigrationInterface {
  name = 'AlertRefs1763950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "exercises" ADD COLUMN "alert_salt" varchar(64) NOT NULL DEFAULT ''`);
    // Exercises created before this migration get their own random salt too.
    const rows = (await queryRunner.query(`SELECT "id" FROM "exercises"`)) as Array<{ id: string }>;
    const param = (index: number) => queryRunner.connection.driver.createParameter(`p${index}`, index);
    for (const row of rows) {
      await queryRunner.query(`UPDATE "exercises" SET "alert_salt" = ${param(0)} WHERE "id" = ${param(1)}`, [randomBytes(32).toString('hex'), row.id]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "exercises" DROP COLUMN "alert_salt"`);
  }
}
