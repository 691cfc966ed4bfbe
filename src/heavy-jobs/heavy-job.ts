import type { Scenario } from '../contracts/scenario.schema.js';
import { parseForStorage, type ScenarioUpload } from '../scenarios/scenario-upload.js';
import { simulate, simulationSummary, SolverError, type SolverName } from '../scoring/solver.js';

/** Parse and check a scenario file and prepare its row (validation, upload, copy, publication). */
export interface ParseJob {
  readonly kind: 'parse';
  readonly source: string;
  readonly maxBytes: number;
  readonly renameTo?: string;
  readonly format?: 'yaml' | 'json';
}

/** Play a stored scenario version with a headless solver and score it. */
export interface SimulateJob {
  readonly kind: 'simulate';
  /** The stored normalised JSON (text or UTF-8 bytes): parsed in the worker, so the server never holds the object. */
  readonly scenarioJson: string | Uint8Array;
  readonly solver: SolverName;
  readonly seed?: string | number;
}

export type HeavyJob = ParseJob | SimulateJob;

export type SimulateOutcome = { readonly ok: true; readonly summary: Record<string, unknown> } | { readonly ok: false; readonly solverError: string };

export type HeavyJobResult<J extends HeavyJob> = J extends ParseJob ? ScenarioUpload : SimulateOutcome;

/** What a worker does with a job: the same parser, validator and solver as the rest of the server. */
export function runHeavyJob(job: HeavyJob): ScenarioUpload | SimulateOutcome {
  switch (job.kind) {
    case 'parse': {
      // The parsed object stays here: the server stores the text forms.
      const { scenario: _scenario, ...upload } = parseForStorage(job.source, { maxBytes: job.maxBytes, renameTo: job.renameTo, format: job.format });
      return upload as ScenarioUpload;
    }
    case 'simulate': {
      const scenario = JSON.parse(typeof job.scenarioJson === 'string' ? job.scenarioJson : new TextDecoder().decode(job.scenarioJson)) as Scenario;
      try {
        return { ok: true, summary: simulationSummary(simulate({ scenario, solver: job.solver, ...(job.seed === undefined ? {} : { seed: job.seed }) })) };
      } catch (error) {
        // The perfect solver is refused only when the answer key asks for something the rules forbid.
        if (error instanceof SolverError) return { ok: false, solverError: error.message };
        throw error;
      }
    }
    default: {
      const never: never = job;
      throw new Error(`unknown heavy job ${JSON.stringify(never)}`);
    }
  }
}
