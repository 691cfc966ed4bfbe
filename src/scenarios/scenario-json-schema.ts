import { z } from 'zod';
import { ScenarioSchema } from '../contracts/scenario.schema.js';

/**
 * JSON Schema of the scenario format, generated from the zod contract (the source of truth).
 * Committed as scenarios/scenario.schema.json so editors complete and check scenario files.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://soc-drill.local/schemas/scenario.schema.json',
    ...schema,
  };
}

export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
