import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { SealedTeamLogs1763960000000 } from './1763960000000-sealed-team-logs.js';

/**
 * The sealed per-team log copies are retired: scoring reads the exercise log itself (through
 * ExerciseLogRepository), so the table only held stale derived data. Down recreates it empty.
 */
export class DropSealedTeamLogs1765000000500 implements MigrationInterface {
  name = 'DropSealedTeamLogs1765000000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('exercise_sealed_logs', true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await new SealedTeamLogs1763960000000().up(queryRunner);
  }
}
