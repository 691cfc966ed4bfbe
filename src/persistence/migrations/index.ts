import { ScenarioVersions1763880000000 } from './1763880000000-scenario-versions.js';

/** Migrations in order; each capability appends its own. */
export const MIGRATIONS = [ScenarioVersions1763880000000];
