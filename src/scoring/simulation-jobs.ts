import type { Scenario } from '../contracts/scenario.schema.js';
import { workerEntry, type HeavyJobKind } from '../heavy-jobs/heavy-jobs.service.js';
import { readStoredScenarioJson, type StoredScenarioRef } from '../scenarios/stored-scenario-json.js';
import { simulate, simulationSummary, SolverError, type SolverName } from './solver.js';

/** Play a stored scenario version with a headless solver and score it. */
export interface SimulateJob {
  /** The stored normalised JSON (text or UTF-8 bytes), or where the worker reads it: parsed in the worker, so the server never holds the object. */
  readonly scenarioJson: string | Uint8Array | StoredScenarioRef;
  readonly solver: SolverName;
  readonly seed?: string | number;
}

export type SimulateOutcome = { readonly ok: true; readonly summary: Record<string, unknown> } | { readonly ok: false; readonly solverError: string };

/** One simulation in flight per user; each runs in a heavy-job worker (simulation-jobs.worker.ts). */
export const SIMULATE_JOB: HeavyJobKind = { name: 'simulate', entry: workerEntry(import.meta.url, 'simulation-jobs.worker'), perUser: 1, label: 'simulation' };

/** What a worker does with a simulation: the same solver and scorer as the rest of the server. */
export function runSimulateJob(job: SimulateJob): SimulateOutcome {
  const json = job.scenarioJson;
  const text = typeof json === 'string' ? json : new TextDecoder().decode(json instanceof Uint8Array ? json : readStoredScenarioJson(json));
  const scenario = JSON.parse(text) as Scenario;
  try {
    return { ok: true, summary: simulationSummary(simulate({ scenario, solver: job.solver, ...(job.seed === undefined ? {} : { seed: job.seed }) })) };
  } catch (error) {
    // The perfect solver is refused only when the answer key asks for something the rules forbid.
    if (error instanceof SolverError) return { ok: false, solverError: error.message };
    throw error;
  }
}
