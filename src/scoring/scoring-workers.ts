import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Scenario } from '../contracts/scenario.schema.js';
import type { ManualAdjustment, TeamScore } from '../contracts/scoring.schema.js';
import type { SealedCopy } from './exercise-log-reader.js';
import type { ScoreDetail } from './team-log-scoring.js';

/** One team for a worker: where its sealed copy is, and what the scorer needs besides the log. */
export interface WorkerTeam {
  readonly copy: SealedCopy;
  readonly memberIds: readonly string[];
  readonly adjustments: readonly ManualAdjustment[];
}

/** A sealed-copies job as callers give it (the pool adds the ids, and sends the scenario once per worker). */
export type SealedJobInput = Omit<SealedWorkerJob, 'jobId' | 'scenario' | 'kind' | 'output'> & { readonly scenario: Scenario };

/** One team of a running exercise for the live board: what the scorer needs besides the log. */
export interface LiveWorkerTeam {
  readonly teamId: string;
  readonly memberIds: readonly string[];
  readonly adjustments: readonly ManualAdjustment[];
}

interface WorkerJobBase {
  readonly jobId: number;
  /** The SQLite file; each worker opens it read-only (WAL lets readers run beside the writer). */
  readonly databaseFile: string;
  readonly exerciseId: string;
  /** Workers index a scenario version once and keep it (the last WORKER_SCENARIOS). */
  readonly scenarioVersionId: string;
  /** Left out when the worker already holds this version (the pool keeps track). */
  readonly scenario?: Scenario;
  readonly seed: string;
  readonly endMs: number;
}

/** Score these teams of a finished exercise from their sealed copies. */
export interface SealedWorkerJob extends WorkerJobBase {
  readonly kind: 'sealed';
  readonly detail: ScoreDetail;
  /**
   * 'stored': full scores for a stored version. The reply carries each score's JSON text beside its
   * totals view instead of the full object: cloning 200 full scores back cost more than computing
   * them, and the server only needs the text (to store) and the totals (to rank).
   */
  readonly output?: 'stored';
  readonly teams: readonly WorkerTeam[];
}

/**
 * Totals of these teams of a running exercise for the live board. The worker keeps the exercise's
 * logs and reads only what was committed since its last job (see LiveLogTail).
 */
export interface LiveWorkerJob extends WorkerJobBase {
  readonly kind: 'live';
  readonly teams: readonly LiveWorkerTeam[];
}

export type WorkerJob = SealedWorkerJob | LiveWorkerJob;

/** Messages to a worker: jobs (answered by jobId), and dropping a live exercise's logs (not answered). */
export type WorkerMessage = WorkerJob | { readonly kind: 'forget'; readonly exerciseId: string };

/** A worker's answer: the teams it scored. A team whose copy was gone or unreadable is left out. */
export type WorkerReply = { readonly jobId: number } & WorkerResult | { readonly jobId: number; readonly error: string };

/** What a job gives back: `json[i]`, for 'stored' jobs, is the full score whose totals view is `scores[i]`. */
export interface WorkerResult {
  readonly scores: ReadonlyArray<readonly [string, TeamScore]>;
  readonly json?: ReadonlyArray<string>;
}

/** A full score scored for storage by a worker: its JSON text, and its totals view (see `totalsView`). */
export interface StoredTeamScore {
  readonly summary: TeamScore;
  readonly json: string;
}

/** Thrown when a worker fails or exits mid-job; the caller scores in its own thread instead. */
export class ScoringWorkerError extends Error {}

interface Pending {
  readonly resolve: (result: WorkerResult) => void;
  readonly reject: (error: Error) => void;
}

interface Handle {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** Scenario versions the worker holds, oldest first: the worker evicts in the same order. */
  readonly scenarios: string[];
}

/** How many scenario versions a worker keeps indexed. */
export const WORKER_SCENARIOS = 4;
/** How many running exercises' logs a worker keeps for live boards (the least recently scored goes). */
export const WORKER_LIVE_EXERCISES = 16;
/**
 * Teams per message. Workers take the next share when they finish one, so they end together even
 * when one of them shares its core with something else; a scenario is sent to a worker only once.
 */
const TEAMS_PER_SHARE = 10;

/** The worker entry beside this module: `.js` when built, `.ts` when the sources run directly (tests). */
export function scoringWorkerEntry(): URL {
  return new URL(`./scoring-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
}

/**
 * A few worker threads that score a finished exercise's teams from their sealed copies, each
 * reading its own share of the copies from SQLite. Scoring 200 teams × 1,000 alerts is seconds of
 * CPU and allocation: spread over the machine's cores it finishes sooner, and the server's event
 * loop (sockets of live exercises) and heap stay out of it. Workers start on first use and live
 * until `close`; one that fails is dropped and its jobs rejected, and the next job starts a new one.
 */
export class ScoringWorkers {
  private readonly handles: Array<Handle | null>;
  private nextJobId = 1;
  private closed = false;
  /** Which worker keeps each running exercise's logs: always the same one, so it only reads what is new. */
  private readonly liveSlots = new Map<string, number>();
  private nextLiveSlot = 0;

  constructor(private readonly options: { readonly size: number; readonly entry: URL }) {
    this.handles = Array.from({ length: Math.max(1, options.size) }, () => null);
  }

  get size(): number {
    return this.handles.length;
  }

  /** Scores the teams, TEAMS_PER_SHARE at a time to whichever worker is free; rejects with `ScoringWorkerError`. */
  async score(job: SealedJobInput): Promise<Map<string, TeamScore>> {
    const scores = new Map<string, TeamScore>();
    await this.shares({ ...job, output: undefined }, (result) => {
      for (const [teamId, score] of result.scores) scores.set(teamId, score);
    });
    return scores;
  }

  /** Full scores for a stored version, as JSON text beside their totals view (see SealedWorkerJob.output). */
  async scoreForStorage(job: Omit<SealedJobInput, 'detail'>): Promise<Map<string, StoredTeamScore>> {
    const stored = new Map<string, StoredTeamScore>();
    await this.shares({ ...job, detail: 'full', output: 'stored' }, (result) => {
      result.scores.forEach(([teamId, summary], i) => {
        const json = result.json?.[i];
        if (json === undefined) throw new ScoringWorkerError(`a stored score of team ${teamId} came back without its JSON`);
        stored.set(teamId, { summary, json });
      });
    });
    return stored;
  }

  private async shares(job: SealedJobInput & { readonly output: SealedWorkerJob['output'] }, take: (result: WorkerResult) => void): Promise<void> {
    if (this.closed) throw new ScoringWorkerError('the scoring workers are closed');
    const shares: Array<readonly WorkerTeam[]> = [];
    for (let i = 0; i < job.teams.length; i += TEAMS_PER_SHARE) shares.push(job.teams.slice(i, i + TEAMS_PER_SHARE));
    const { scenario, ...rest } = job;
    let next = 0;
    const drain = async (slot: number): Promise<void> => {
      while (next < shares.length) {
        const teams = shares[next++]!;
        try {
          take(await this.run(slot, scenario, { ...rest, kind: 'sealed', jobId: this.nextJobId++, teams }));
        } catch (error) {
          next = shares.length;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.handles.length, shares.length) }, (_, slot) => drain(slot)));
  }

  /**
   * Live totals of a running exercise's teams, from the worker that keeps its logs (it reads what
   * was committed since its last job); rejects with `ScoringWorkerError`. The live board's
   * recomputation used to fold every team's whole log on the server's event loop: a tenth of a
   * second at a time, in the middle of the acks, and every recorded action kept in its heap.
   */
  async scoreLive(job: Omit<LiveWorkerJob, 'jobId' | 'scenario' | 'kind'> & { readonly scenario: Scenario }): Promise<Map<string, TeamScore>> {
    if (this.closed) throw new ScoringWorkerError('the scoring workers are closed');
    let slot = this.liveSlots.get(job.exerciseId);
    if (slot === undefined) {
      slot = this.nextLiveSlot++ % this.handles.length;
      this.liveSlots.set(job.exerciseId, slot);
    }
    const { scenario, ...rest } = job;
    return new Map((await this.run(slot, scenario, { ...rest, kind: 'live', jobId: this.nextJobId++ })).scores);
  }

  /** The exercise no longer runs: its worker drops the logs it kept. */
  forgetLive(exerciseId: string): void {
    const slot = this.liveSlots.get(exerciseId);
    if (slot === undefined) return;
    this.liveSlots.delete(exerciseId);
    this.handles[slot]?.worker.postMessage({ kind: 'forget', exerciseId } satisfies WorkerMessage);
  }

  async close(): Promise<void> {
    this.closed = true;
    const running = this.handles.filter((h): h is Handle => h !== null);
    this.handles.fill(null);
    for (const handle of running) this.fail(handle, new ScoringWorkerError('the scoring workers were closed'));
    await Promise.all(running.map((h) => h.worker.terminate()));
  }

  private run(slot: number, scenario: Scenario, job: WorkerJob): Promise<WorkerResult> {
    const handle = this.handles[slot] ?? this.start(slot);
    // A scenario of 1,000 alerts is milliseconds of cloning: each worker gets it once.
    let message: WorkerMessage = job;
    if (!handle.scenarios.includes(job.scenarioVersionId)) {
      message = { ...job, scenario };
      handle.scenarios.push(job.scenarioVersionId);
      if (handle.scenarios.length > WORKER_SCENARIOS) handle.scenarios.shift();
    }
    // Referenced while it has work (the process waits for the answer), unreferenced when idle.
    handle.worker.ref();
    return new Promise((resolve, reject) => {
      handle.pending.set(job.jobId, { resolve, reject });
      handle.worker.postMessage(message);
    });
  }

  private start(slot: number): Handle {
    const handle: Handle = { worker: spawn(this.options.entry), pending: new Map(), scenarios: [] };
    this.handles[slot] = handle;
    const drop = (error: Error) => {
      if (this.handles[slot] === handle) this.handles[slot] = null;
      this.fail(handle, error);
    };
    handle.worker.on('message', (reply: WorkerReply) => {
      const pending = handle.pending.get(reply.jobId);
      if (pending === undefined) return;
      handle.pending.delete(reply.jobId);
      if (handle.pending.size === 0) handle.worker.unref();
      if ('error' in reply) pending.reject(new ScoringWorkerError(reply.error));
      else pending.resolve(reply);
    });
    handle.worker.on('error', (error) => drop(new ScoringWorkerError(`scoring worker failed: ${error.message}`)));
    handle.worker.on('exit', (code) => drop(new ScoringWorkerError(`scoring worker exited with code ${code}`)));
    return handle;
  }

  private fail(handle: Handle, error: Error): void {
    for (const pending of handle.pending.values()) pending.reject(error);
    handle.pending.clear();
  }
}

/**
 * A young generation of 96 MB (32 MB semi-spaces, twice V8's default): a team's decoded log and
 * score are tens of MB of short-lived objects, and with the default spaces much of it survived a
 * scavenge or two and was copied (paired runs of 2 workers × 100 teams: ~8 % faster).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 96 };

function spawn(entry: URL): Worker {
  if (entry.pathname.endsWith('.ts')) {
    // The TypeScript sources run directly (jest): the worker loads them through tsx, a development
    // dependency. A build runs the compiled `.js` entry and never gets here.
    return new Worker(`import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true, resourceLimits: WORKER_LIMITS });
  }
  return new Worker(entry, { resourceLimits: WORKER_LIMITS });
}
