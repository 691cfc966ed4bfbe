import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * The folders of src/ and what each may import: an explicit, acyclic allowed-dependency graph
 * (docs/architecture.md draws it). A folder may always import its own files. Adding an arrow that
 * closes a cycle is the error this rule exists for: move the shared piece down a layer instead.
 */
const BASE = ['contracts', 'common', 'config'];
const LAYERS = {
  contracts: [],
  common: ['contracts'],
  config: ['contracts'],
  engine: ['contracts', 'common'],
  // The pure triage rules (the team-state reducer, engine mapping, report deadlines): scenarios,
  // triage and scoring all judge actions by these.
  'team-state': ['contracts', 'common', 'engine'],
  sigma: ['contracts'],
  // Reading SOC exports (Suricata, Wazuh, ECS, Zeek, Sysmon) into scenario drafts: pure but for node:net.
  importers: ['contracts', 'sigma'],
  // What the nodes of one platform share through Redis (leases, forwarding, topics).
  cluster: [...BASE],
  openapi: [...BASE],
  persistence: [...BASE],
  'heavy-jobs': [...BASE],
  'exercise-log': [...BASE, 'engine', 'persistence'],
  audit: [...BASE, 'openapi', 'persistence'],
  identity: [...BASE, 'openapi', 'persistence', 'audit', 'cluster'],
  auth: [...BASE, 'engine', 'openapi', 'persistence', 'audit', 'identity', 'cluster'],
  health: [...BASE, 'openapi', 'persistence'],
  scenarios: [...BASE, 'engine', 'team-state', 'openapi', 'persistence', 'heavy-jobs', 'audit', 'identity', 'importers'],
  exercises: [...BASE, 'engine', 'openapi', 'persistence', 'exercise-log', 'audit', 'identity', 'scenarios', 'cluster'],
  triage: [...BASE, 'engine', 'team-state', 'openapi', 'persistence', 'exercise-log', 'audit', 'identity', 'auth', 'scenarios', 'exercises', 'cluster'],
  scoring: [
    ...BASE,
    'engine',
    'team-state',
    'openapi',
    'persistence',
    'exercise-log',
    'heavy-jobs',
    'audit',
    'identity',
    'auth',
    'scenarios',
    'exercises',
    'triage',
  ],
  results: [
    ...BASE,
    'engine',
    'team-state',
    'openapi',
    'persistence',
    'exercise-log',
    'heavy-jobs',
    'audit',
    'identity',
    'auth',
    'scenarios',
    'exercises',
    'scoring',
  ],
  realtime: [
    ...BASE,
    'cluster',
    'engine',
    'team-state',
    'openapi',
    'persistence',
    'exercise-log',
    'audit',
    'identity',
    'auth',
    'scenarios',
    'exercises',
    'triage',
    'scoring',
  ],
  // Observes the live modules from above (bus, runtime and gateway counts); nothing imports it.
  metrics: [...BASE, 'openapi', 'exercises', 'realtime'],
  // STIX, OCSF and ECS exports of what a team saw and decided (and of a scenario's key, for instructors).
  exports: [...BASE, 'engine', 'team-state', 'openapi', 'persistence', 'exercise-log', 'audit', 'identity', 'auth', 'scenarios', 'exercises', 'triage'],
  // The raw-event corpus and its search (Tra cứu nhật ký): per-team gates over a shared corpus.
  'log-search': [...BASE, 'engine', 'team-state', 'openapi', 'persistence', 'exercise-log', 'audit', 'identity', 'auth', 'scenarios', 'exercises', 'triage'],
  cli: [...BASE, 'engine', 'team-state', 'persistence', 'scenarios', 'scoring', 'sigma', 'importers'],
};
const SRC_FOLDERS = Object.keys(LAYERS);
/** src/*.ts: the application module, its factory and main wire every module together. */
const APP_ALLOWED = [...SRC_FOLDERS];
/** The benchmarks drive the whole built server. */
const BENCH_ALLOWED = [...SRC_FOLDERS, 'app'];

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'scenarios/**'] },
  {
    files: ['src/**/*.ts', 'tests/**/*.ts', 'web/src/**/*.{ts,tsx}', 'bench/**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      // A `default` that assigns the value to `never` (our convention) or handles the rest on purpose counts as exhaustive.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false }],
      // React event handlers may be async; a promise returned to an attribute is not a bug there.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // The code writes `!` on indexed reads as if `noUncheckedIndexedAccess` were on (turning it on
      // is its own change); this rule would strip those hundreds of deliberate assertions.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // `_name` marks a value left out on purpose (destructuring a field away, an unused callback parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Jest's asymmetric matchers (expect.objectContaining, expect.any, …) are typed `any` by
    // @types/jest, so these two rules would flag every matcher passed or assigned in a test.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'tests/**/*.ts', 'web/src/**/*.{ts,tsx}', 'bench/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': {
        typescript: { project: ['tsconfig.json', 'tests/tsconfig.json', 'web/tsconfig.json', 'bench/tsconfig.json'], noWarnOnMultipleProjects: true },
      },
      'boundaries/elements': [
        // Whole paths from the repository root (web/src/realtime is not src/realtime).
        ...SRC_FOLDERS.map((folder) => ({ type: folder, pattern: `src/${folder}/**`, partialMatch: false })),
        { type: 'bench', pattern: 'bench/**', partialMatch: false },
        { type: 'tests', pattern: 'tests/**', partialMatch: false },
        { type: 'web', pattern: 'web/src/**', partialMatch: false },
        // What is left in src/: main.ts, app.module.ts, app-factory.ts.
        { type: 'app', pattern: 'src', partialMatch: false },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            ...Object.entries(LAYERS).map(([folder, allowed]) => ({
              from: { element: { type: folder } },
              allow: { to: { element: { types: { anyOf: [folder, ...allowed] } } } },
            })),
            { from: { element: { type: 'app' } }, allow: { to: { element: { types: { anyOf: ['app', ...APP_ALLOWED] } } } } },
            { from: { element: { type: 'bench' } }, allow: { to: { element: { types: { anyOf: ['bench', ...BENCH_ALLOWED] } } } } },
            // End-to-end tests start the real app and reach into any module; tests/web checks the console's pure logic.
            { from: { element: { type: 'tests' } }, allow: { to: { element: { types: { anyOf: ['tests', 'app', 'bench', 'web', ...SRC_FOLDERS] } } } } },
            // The console shares only the contracts with the server.
            { from: { element: { type: 'web' } }, allow: { to: { element: { types: { anyOf: ['web', 'contracts'] } } } } },
          ],
        },
      ],
    },
  },
  {
    // The contracts (shared with the browser) and the engine are plain TypeScript: no framework,
    // no database, no sockets, no file system (their specs may read fixtures).
    files: ['src/contracts/**/*.ts', 'src/engine/**/*.ts', 'src/common/clock-port.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@nestjs/|typeorm|@nestjs/typeorm|better-sqlite3|pg$|socket\\.io|express|node:)',
              message: 'contracts/ and engine/ stay framework-free and I/O-free.',
            },
          ],
        },
      ],
    },
  },
  {
    // The pure triage rules and the Sigma evaluator: no framework, no database, no sockets (the
    // reducer checks addresses with node:net; the Sigma loader reads rule files).
    files: ['src/team-state/**/*.ts', 'src/sigma/**/*.ts', 'src/importers/**/*.ts'],
    ignores: ['**/*.spec.ts', 'src/sigma/sigma-loader.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@nestjs/|typeorm|@nestjs/typeorm|better-sqlite3|pg$|socket\\.io|express|node:(?!net$))',
              message: 'team-state/, sigma/ and importers/ stay framework-free and I/O-free.',
            },
          ],
        },
      ],
    },
  },
  {
    // The pure export mappings: no framework, no database, no I/O (node:crypto for the UUIDv5 ids, node:net for addresses).
    files: ['src/exports/stix-*.ts', 'src/exports/alert-queue-exports.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@nestjs/|typeorm|@nestjs/typeorm|better-sqlite3|pg$|socket\\.io|express|node:(?!net$|crypto$))',
              message: 'The export mappings stay framework-free and I/O-free.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
