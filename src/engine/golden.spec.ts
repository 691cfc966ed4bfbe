import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ScenarioSchema, type Scenario, type TimeRef } from '../contracts/scenario.schema.js';
import type { UnstampedAction } from './engine-action.js';
import { ExerciseEngine, type TeamBatches } from './exercise-engine.js';
import { rebuildEngine } from './rebuild.js';
import type { DeliveredEvent } from './team-stream.js';

/**
 * Golden run of the bundled portal-defacement scenario: any change in what the engine delivers for
 * it (order, times, ids, bodies, trigger firings) shows up as a diff. Regenerate deliberately with
 * UPDATE_GOLDEN=1 npx jest src/engine/golden.
 */

const SCENARIO_PATH = join(__dirname, '..', '..', 'scenarios', 'portal-defacement.yaml');
const GOLDEN_DIR = join(__dirname, '__golden__');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const MIN = 60_000;

/** The flagship must parse: a golden test that skipped when it stopped parsing would hide the break. */
function loadScenario(): Scenario {
  const parsed = ScenarioSchema.safeParse(parseYaml(readFileSync(SCENARIO_PATH, 'utf8')));
  if (!parsed.success) throw new Error(`${SCENARIO_PATH} no longer parses: ${parsed.error.message}`);
  return parsed.data;
}

interface QueuedAction {
  readonly at: number;
  readonly order: number;
  readonly team: string;
  readonly action: UnstampedAction;
}

/**
 * Deterministic scripted play: "diligent" answers every timeline alert per the key a minute after it
 * arrives and takes each expected response and report a minute after its window opens; "idle" never
 * acts. Wall time equals virtual time (speed 1 from wall 0).
 */
function play(scenario: Scenario, seed: number): ExerciseEngine {
  const engine = new ExerciseEngine({ scenario, seed, teamIds: ['diligent', 'idle'] });
  const end = scenario.duration * 1000;
  const queue: QueuedAction[] = [];
  let counter = 0;
  const enqueue = (at: number, action: Omit<QueuedAction, 'at' | 'order' | 'team'>['action']): void => {
    counter += 1;
    queue.push({ at, order: counter, team: 'diligent', action });
  };
  const fromEvent = new Map<string, (at: number) => void>();
  const whenRef = (ref: TimeRef | undefined, run: (at: number) => void): void => {
    if (ref === undefined) run(MIN);
    else if (typeof ref === 'number') run(ref * 1000 + MIN);
    else {
      const plus = (ref.plus ?? 0) * 1000;
      const previous = fromEvent.get(ref.event);
      fromEvent.set(ref.event, (at) => {
        previous?.(at);
        run(at + plus + MIN);
      });
    }
  };
  for (const response of scenario.responses) {
    whenRef(response.from, (at) =>
      enqueue(at, {
        type: 'response',
        actionId: `resp-${response.id}`,
        action: response.action,
        ...(response.target === undefined ? {} : { target: response.target }),
      }),
    );
  }
  for (const obligation of scenario.reporting) {
    whenRef(obligation.from, (at) =>
      enqueue(at, { type: 'report', actionId: `report-${obligation.id}`, kind: obligation.kind, recipients: obligation.recipients }),
    );
  }
  const answers = new Map(scenario.timeline.map((alert) => [alert.id, alert.answer]));
  const onDelivered = (events: readonly DeliveredEvent[]): void => {
    for (const event of events) {
      fromEvent.get(event.eventId)?.(event.virtualMs);
      const answer = answers.get(event.eventId);
      if (answer === undefined) continue;
      enqueue(event.virtualMs + MIN, { type: 'verdict', actionId: `verdict-${event.eventId}`, alertId: event.eventId, verdict: answer.verdict });
      if (answer.routing.length > 0)
        enqueue(event.virtualMs + MIN, { type: 'route', actionId: `route-${event.eventId}`, alertId: event.eventId, to: answer.routing });
    }
  };
  const onBatches = (batches: TeamBatches): void => onDelivered(batches.get('diligent')?.events ?? []);

  onBatches(engine.start(0).batches);
  for (;;) {
    queue.sort((a, b) => a.at - b.at || a.order - b.order);
    const wake = engine.nextWakeWallMs();
    const next = queue[0];
    if (next !== undefined && next.at <= end && (wake === null || next.at <= wake)) {
      queue.shift();
      onDelivered(engine.act(next.team, next.action, next.at).events);
    } else if (wake !== null && wake <= end) {
      onBatches(engine.tick(wake).batches);
    } else break;
  }
  onBatches(engine.finish(end).batches);
  return engine;
}

/**
 * One line per delivered event / firing / action so diffs stay readable; alert bodies are kept as a
 * digest (any byte change in a body still changes the file).
 */
function goldenOf(engine: ExerciseEngine): string {
  const lines: string[] = [`seed ${engine.compiled.seed}`];
  for (const team of engine.teamIds) {
    const stream = engine.team(team);
    lines.push(`team ${team}`);
    for (const event of stream.delivered()) {
      const { alert, ...meta } = event;
      const digest = createHash('sha256').update(JSON.stringify(alert)).digest('hex').slice(0, 16);
      lines.push(`  event ${JSON.stringify({ ...meta, alert: digest })}`);
    }
    for (const fired of stream.firedTriggers()) lines.push(`  fired ${JSON.stringify(fired)}`);
    for (const action of stream.actions()) lines.push(`  action ${JSON.stringify(action)}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('golden: portal-defacement', () => {
  const scenario = loadScenario();
  for (const seed of [1, 2]) {
    it(`matches the golden run for seed ${seed}`, () => {
      const current = scenario;
      const engine = play(current, seed);
      const text = goldenOf(engine);
      expect(goldenOf(play(current, seed))).toBe(text);

      // The journal rebuilds the exact same state.
      const rebuilt = rebuildEngine({
        scenario: current,
        seed,
        teamIds: engine.teamIds,
        journal: engine.journal(),
        upToVirtualMs: current.duration * 1000,
      }).engine;
      for (const team of engine.teamIds) expect(JSON.stringify(rebuilt.team(team).delivered())).toBe(JSON.stringify(engine.team(team).delivered()));

      const file = join(GOLDEN_DIR, `portal-defacement.seed-${seed}.golden.txt`);
      if (UPDATE) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
        return;
      }
      if (!existsSync(file)) throw new Error(`golden file ${file} is missing: run UPDATE_GOLDEN=1 npx jest src/engine/golden`);
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }
});
