import { ScenarioVersionEntity } from '../scenarios/scenario-version.entity.js';

/** Every TypeORM entity of the server; each capability adds its own here. */
export const ENTITIES = [ScenarioVersionEntity];
