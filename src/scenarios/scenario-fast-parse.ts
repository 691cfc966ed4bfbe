import { type Scenario, ScenarioSchema } from '../contracts/scenario.schema.js';
import { compileFastParser, FAST_FALLBACK, type FastParser, type ZodNode } from './zod-fast-compiler.js';

export { FAST_FALLBACK } from './zod-fast-compiler.js';

let compiled: FastParser<Scenario> | undefined;

/**
 * `ScenarioSchema.parse(value)` for a value the schema accepts, FAST_FALLBACK otherwise (then run
 * zod for the located issues). Compiled from the schema on first use.
 */
export function fastParseScenario(value: unknown): Scenario | typeof FAST_FALLBACK {
  compiled ??= compileFastParser<Scenario>(ScenarioSchema as unknown as ZodNode);
  try {
    return compiled(value);
  } catch {
    // A cyclic value overflows the recursion; zod, with its cycle support, decides instead.
    return FAST_FALLBACK;
  }
}
