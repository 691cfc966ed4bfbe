/**
 * Setup of the `e2e-pg` jest project, before each test file loads: its servers run on PostgreSQL
 * (see test-database.ts). Jest gives each test file its own process.env, so this stays in the file.
 */
process.env.TEST_DB = 'postgres';
