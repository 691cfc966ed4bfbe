import { dropTestDatabases } from './test-database';

/** Setup of the `e2e-pg` jest project: the databases a test file made are dropped when it ends. */
afterAll(async () => {
  await dropTestDatabases();
});
