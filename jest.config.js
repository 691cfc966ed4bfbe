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
 * Three disjoint projects, so `jest` (npm test) runs every test exactly once and
 * `--selectProjects unit|e2e|browser` runs one kind: `*.spec.ts` needs no server and no build,
 * `*.e2e-spec.ts` starts a real app (some spawn dist/main.js), tests/browser drives Chromium over dist/web.
 */
export default {
  // A global option: jest ignores it inside a project.
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e-spec.ts'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/browser/'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/tests/browser/**/*.e2e-spec.ts'] },
  ],
};
