import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether an exercise keeps running past its scenario's duration, and why it ended. Plain ALTER
 * TABLE for the reason given in 1763950000000 (SQLite would recreate `exercises` and cascade).
 * Exercises that ended before this migration were ended by an instructor: their status says how.
 */
export class ExerciseOvertime1765000000200 implements MigrationInterface {
  name = 'ExerciseOvertime1765000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const no = queryRunner.connection.options.type === 'postgres' ? 'false' : '0';
    await queryRunner.query(`ALTER TABLE "exercises" ADD COLUMN "allow_overtime" boolean NOT NULL DEFAULT ${no}`);
    await queryRunner.query(`ALTER TABLE "exercises" ADD COLUMN "end_reason" varchar(16)`);
    await queryRunner.query(`UPDATE "exercises" SET "end_reason" = "status" WHERE "status" IN ('finished', 'aborted')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "exercises" DROP COLUMN "end_reason"`);
    await queryRunner.query(`ALTER TABLE "exercises" DROP COLUMN "allow_overtime"`);
  }
}
