import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';
import type { Scenario } from '../contracts/scenario.schema.js';
import { parseScenario, type ScenarioFormat, type ScenarioProblem } from './scenario-parser.js';

/** What a summary and a stored row need of a scenario, without its timeline. */
export type ScenarioHead = Pick<Scenario, 'id' | 'version' | 'title' | 'description' | 'difficulty' | 'duration' | 'tags' | 'techniques'> & { readonly eventCount: number };

/**
 * A scenario file parsed for storage: everything the catalogue writes, as text. Strings cross a
 * worker boundary for the cost of a copy, where the parsed object would be cloned field by field.
 */
export type ScenarioUpload =
  | {
      readonly ok: true;
      readonly format: ScenarioFormat;
      readonly text: string;
      readonly contentHash: string;
      readonly normalizedJson: string;
      readonly warnings: readonly ScenarioProblem[];
      readonly head: ScenarioHead;
    }
  | { readonly ok: false; readonly problems: readonly ScenarioProblem[] };

export interface ScenarioUploadOptions {
  readonly maxBytes: number;
  /** Store the file under this id instead (a copy): YAML keeps its comments and layout, JSON is re-indented. */
  readonly renameTo?: string;
  /** The text was stored before in this format (copies and publications re-parse a stored file). */
  readonly format?: ScenarioFormat;
  /** Reads sibling NDJSON files of raw events (the server's bundled folder, the CLI); absent for uploads. */
  readonly readLogFile?: (path: string) => Uint8Array | null;
}

/** Parses and checks a scenario file and prepares its row; the same code runs in a worker thread and in the server. */
export function parseForStorage(source: string | Uint8Array, options: ScenarioUploadOptions): ScenarioUpload & { readonly scenario?: Scenario } {
  const input = options.renameTo === undefined || typeof source !== 'string' ? source : withScenarioId(source, options.format ?? 'yaml', options.renameTo);
  const result = parseScenario(input, { maxBytes: options.maxBytes, ...(options.readLogFile === undefined ? {} : { readLogFile: options.readLogFile }) });
  if (!result.ok) return { ok: false, problems: result.problems };
  const { scenario } = result;
  return {
    ok: true,
    format: result.format,
    text: result.text,
    contentHash: createHash('sha256').update(result.text).digest('hex'),
    normalizedJson: JSON.stringify(scenario),
    warnings: result.warnings,
    head: headOf(scenario),
    scenario,
  };
}

export function headOf(scenario: Scenario): ScenarioHead {
  const { id, version, title, description, difficulty, duration, tags, techniques } = scenario;
  return { id, version, title, description, difficulty, duration, tags, techniques, eventCount: scenario.timeline.length };
}

function withScenarioId(text: string, format: ScenarioFormat, scenarioId: string): string {
  if (format === 'json') return `${JSON.stringify({ ...(JSON.parse(text) as Record<string, unknown>), id: scenarioId }, null, 2)}\n`;
  const document = parseDocument(text);
  document.set('id', scenarioId);
  return document.toString({ lineWidth: 0 });
}
