import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scenarios belong to an owner: an organisation, the shared library ('shared') or nobody
 * ('unowned'). Bundled drills become the shared library; every upload goes to its uploader's
 * organisation. An upload whose uploader is unknown (no user row) becomes 'unowned' — visible to
 * nobody, yet still playable by exercises that already use it — because giving it to the shared
 * library would show its answer key to every province, and no organisation can be picked safely.
 * Scenario ids become unique per owner, so the content index moves from (scenario_id, content_hash).
 */
export class ScenarioOwnership1765000000100 implements MigrationInterface {
  name = 'ScenarioOwnership1765000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE scenario_versions ADD COLUMN owner varchar(40) NOT NULL DEFAULT 'unowned'`);
    await queryRunner.query('ALTER TABLE scenario_versions ADD COLUMN derived_from varchar(36)');
    await queryRunner.query('ALTER TABLE scenario_versions ADD COLUMN derived_label varchar(120)');
    await queryRunner.query('ALTER TABLE scenario_versions ADD COLUMN publisher_org_id varchar(36)');
    await queryRunner.query('ALTER TABLE scenario_versions ADD COLUMN publisher_name text');
    await queryRunner.query(`UPDATE scenario_versions SET owner = 'shared' WHERE origin = 'bundled'`);
    await queryRunner.query(
      `UPDATE scenario_versions SET owner = COALESCE((SELECT u.org_id FROM users u WHERE u.id = scenario_versions.created_by), 'unowned') WHERE origin <> 'bundled'`,
    );
    await queryRunner.query('DROP INDEX ux_scenario_versions_hash');
    await queryRunner.query('CREATE UNIQUE INDEX ux_scenario_versions_owner_hash ON scenario_versions (owner, scenario_id, content_hash)');
  }

  /** Fails when one file is stored under two owners (a copy, a publication): the old index cannot hold both. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ux_scenario_versions_owner_hash');
    await queryRunner.query('CREATE UNIQUE INDEX ux_scenario_versions_hash ON scenario_versions (scenario_id, content_hash)');
    for (const column of ['publisher_name', 'publisher_org_id', 'derived_label', 'derived_from', 'owner']) {
      await queryRunner.query(`ALTER TABLE scenario_versions DROP COLUMN ${column}`);
    }
  }
}
