/**
 * Nest 12 ships ESM only; jest runs CommonJS here, so @swc/jest transforms our TypeScript and
 * the @nestjs packages alike. Imports keep their ".js" suffix in source (NodeNext) and are
 * mapped back for jest.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/tests'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|jose|openid-client|oauth4webapi|oidc-provider)/)'],
  // The console's `@contracts/…` alias (web/vite.config.ts), for tests of its pure logic.
  moduleNameMapper: { '^@contracts/(.*)\\.js$': '<rootDir>/src/contracts/$1', '^(\\.{1,2}/.*)\\.js$': '$1' },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

/**
 * The e2e files that run a second time on PostgreSQL (project `e2e-pg`, TEST_DB=postgres, a fresh
 * database per data folder): every file whose server reads or writes the database. Left out, as
 * they test nothing of the database: app/app (routes, OpenAPI, config errors), app/json-logs (the log
 * format), auth/access-matrix, auth/hardening, auth/fuzz and
 * auth/socket-fuzz (request validation and access rules, the slowest files), scenarios/cli and
 * scenarios/validator-doors (the validator), scoring/simulate-api (headless solver, no database).
 * scenarios/heavy-requests skips its heavy-job limit tests there (a worker thread's limits, not the
 * database). The embedded file's own features stay SQLite-only: persistence/backup (SQLite's online backup)
 * and persistence/data-folder-lock.
 */
const E2E_ON_POSTGRES = [
  'app/health',
  'app/metrics',
  'auth/account-security',
  'auth/admin-audit',
  'auth/auth-flow',
  'auth/production-mode',
  'auth/secrecy',
  'auth/socket-revocation',
  'auth/sso',
  'exercise-log/exercise-log',
  'exercises/briefing',
  'exercises/crash',
  'exercises/end',
  'exercises/runtime',
  'exports/exports',
  'persistence/migrations',
  'realtime/reconnect',
  'realtime/room-broadcast',
  'results/results',
  'scenarios/heavy-requests',
  'scenarios/heavy-rescore-print',
  'scenarios/ownership-migration',
  'scenarios/ownership',
  'scoring/oracle',
  'scoring/report-grades',
  'scoring/scoring-workers',
  'scoring/scoring',
  'triage/consequences',
  'triage/group-commit',
  'triage/progress',
  'triage/restart',
  'triage/triage',
];

/**
 * Three disjoint projects, so `jest` (npm test) runs every test exactly once, plus `e2e-pg`, which
 * runs the database e2e files again on PostgreSQL; `--selectProjects unit|e2e|e2e-pg|browser` runs one kind: `*.spec.ts` needs no server and no build,
 * `*.e2e-spec.ts` starts a real app (some spawn dist/main.js), tests/browser drives Chromium over dist/web.
 */
export default {
  // A global option: jest ignores it inside a project.
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e-spec.ts'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/browser/'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/tests/browser/**/*.e2e-spec.ts'] },
    {
      ...common,
      displayName: 'e2e-pg',
      testMatch: E2E_ON_POSTGRES.map((file) => `<rootDir>/tests/${file}.e2e-spec.ts`),
      setupFiles: ['<rootDir>/tests/support/postgres-env.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/support/postgres-cleanup.ts'],
    },
  ],
};
