import { TARGET_KINDS_OF_ACTION, type AlertTemplate, type OnlyIf, type ResponseAction, type Scenario } from '../contracts/scenario.schema.js';
import { DATE_TOKENS, formatTokens, parseDeliveryPlaceholder } from '../engine/delivery-placeholders.js';
import { responseTarget, triageScenarioView, TriageError } from '../team-state/team-state.reducer.js';

/**
 * Checks of the constructs authors asked for (issue #22): the conditional key (`onlyIf`), ordering
 * between responses (`takenAfter`), response target choices and delivery placeholders. Kept apart
 * from scenario-semantics.ts, which calls it with the same `add`.
 */

type Path = Array<string | number>;
type Add = (path: Path, code: string, message: string, needle?: string) => void;

const ANY_PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const VARIABLE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Noise variable names that would shadow a delivery placeholder. */
export const RESERVED_VARIABLES: ReadonlySet<string> = new Set(['now', 'party']);

export function checkConstructs(scenario: Scenario, add: Add): void {
  const triggers = new Set(scenario.triggers.map((t) => t.id));
  const parties = new Set(scenario.parties.map((p) => p.id));

  const checkOnlyIf = (onlyIf: OnlyIf | undefined, path: Path) => {
    if (onlyIf === undefined) return;
    const [key, id] = 'fired' in onlyIf ? (['fired', onlyIf.fired] as const) : (['notFired', onlyIf.notFired] as const);
    if (!triggers.has(id)) add([...path, 'onlyIf', key], 'SCENARIO_UNKNOWN_REFERENCE', `unknown trigger "${id}"${triggers.size > 0 ? ` (triggers: ${[...triggers].join(', ')})` : ''}`);
  };
  scenario.responses.forEach((r, i) => checkOnlyIf(r.onlyIf, ['responses', i]));
  scenario.harmful.forEach((h, i) => checkOnlyIf(h.onlyIf, ['harmful', i]));
  scenario.reporting.forEach((o, i) => checkOnlyIf(o.onlyIf, ['reporting', i]));

  // Ordering: every id an expected response, no response before itself, no cycle.
  const responseIndex = new Map(scenario.responses.map((r, i) => [r.id, i]));
  scenario.responses.forEach((response, i) => {
    response.takenAfter?.forEach((id, j) => {
      const path: Path = ['responses', i, 'takenAfter', j];
      if (id === response.id) add(path, 'SCENARIO_INVALID_ORDER', `response "${id}" cannot come after itself`);
      else if (!responseIndex.has(id)) add(path, 'SCENARIO_UNKNOWN_REFERENCE', `unknown expected response "${id}"`);
    });
  });
  const state = new Map<string, 1 | 2>();
  const visit = (id: string, chain: string[]): void => {
    if (state.get(id) === 2) return;
    if (state.get(id) === 1) {
      const i = responseIndex.get(id)!;
      add(['responses', i, 'takenAfter'], 'SCENARIO_INVALID_ORDER', `responses wait on each other in a circle: ${[...chain.slice(chain.indexOf(id)), id].join(' → ')}`);
      return;
    }
    state.set(id, 1);
    const i = responseIndex.get(id);
    for (const next of i === undefined ? [] : (scenario.responses[i]!.takenAfter ?? [])) if (next !== id && responseIndex.has(next)) visit(next, [...chain, id]);
    state.set(id, 2);
  };
  for (const r of scenario.responses) visit(r.id, []);

  checkTargetChoices(scenario, add);
  checkPlaceholders(scenario, parties, add);
}

/** Whether a team can name `target` for `action` under the scenario's target choices (always true without them). */
export function targetOffered(scenario: Pick<Scenario, 'responseTargets' | 'assets'>, action: ResponseAction, target: string): boolean {
  const rt = scenario.responseTargets;
  if (rt === undefined || rt.freeText.includes(action) || action === 'request-coordination') return true;
  const wanted = target.trim().toLowerCase();
  const kinds = TARGET_KINDS_OF_ACTION[action];
  const hasAssetChoices = rt.choices.some((c) => c.kind === 'asset');
  if (kinds.includes('asset') && !hasAssetChoices && scenario.assets.some((a) => a.id.toLowerCase() === wanted)) return true;
  return rt.choices.some((c) => kinds.includes(c.kind) && c.value.trim().toLowerCase() === wanted);
}

function checkTargetChoices(scenario: Scenario, add: Add): void {
  const rt = scenario.responseTargets;
  if (rt === undefined) return;
  const view = triageScenarioView(scenario);
  const seen = new Map<string, number>();
  rt.choices.forEach((choice, i) => {
    const path: Path = ['responseTargets', 'choices', i, 'value'];
    const key = `${choice.kind}\u0000${choice.value.toLowerCase()}`;
    if (seen.has(key)) add(path, 'SCENARIO_DUPLICATE_ID', `${choice.kind} "${choice.value}" is offered twice (first at responseTargets.choices.${seen.get(key)!})`);
    else seen.set(key, i);
    const probe: Record<typeof choice.kind, ResponseAction | null> = { asset: 'isolate-host', account: 'disable-account', address: 'block-ip', domain: 'block-domain', file: null };
    const action = probe[choice.kind];
    if (action === null) {
      if (!/^(?:\/|[A-Za-z]:\\|\\\\|~\/)/.test(choice.value)) add(path, 'SCENARIO_INVALID_TARGET', `"${choice.value}" is not a file path (start it with / or a drive letter such as C:\\)`);
      return;
    }
    try {
      responseTarget(action, choice.value, view, { enforceChoices: false });
    } catch (error) {
      if (!(error instanceof TriageError)) throw error;
      const what = { asset: 'an asset id of the scenario', account: 'an account name', address: 'an IP address or CIDR', domain: 'a domain name', file: 'a file path' }[choice.kind];
      add(path, choice.kind === 'asset' ? 'SCENARIO_UNKNOWN_REFERENCE' : 'SCENARIO_INVALID_TARGET', `"${choice.value}" is not ${what}`);
    }
    if (choice.kind === 'account' && view.assets.has(choice.value.toLowerCase())) {
      add(path, 'SCENARIO_INVALID_TARGET', `"${choice.value}" is an asset id; offer it as kind: asset`);
    }
  });
  // What the key asks for (or reacts to) must be something a team can pick.
  const notOffered = (action: ResponseAction, target: string | undefined, path: Path) => {
    if (target === undefined || targetOffered(scenario, action, target)) return;
    // A malformed target already has its own message (scenario-semantics.ts): one root cause, one message.
    try {
      responseTarget(action, target, view, { enforceChoices: false });
    } catch (error) {
      if (error instanceof TriageError) return;
      throw error;
    }
    add(path, 'SCENARIO_TARGET_NOT_OFFERED', `${action} "${target}" is not among responseTargets.choices and ${action} is not in responseTargets.freeText: no team could take it`);
  };
  scenario.responses.forEach((r, i) => notOffered(r.action, r.target, ['responses', i, 'target']));
  scenario.harmful.forEach((h, i) => notOffered(h.action, h.target, ['harmful', i, 'target']));
  scenario.triggers.forEach((t, i) => {
    const walk = (c: unknown, path: Path): void => {
      if (c === null || typeof c !== 'object') return;
      const o = c as Record<string, unknown>;
      for (const key of ['taken', 'notTaken'] as const) {
        const m = o[key] as { action: ResponseAction; target?: string } | undefined;
        if (m !== undefined) notOffered(m.action, m.target, [...path, key, 'target']);
      }
      if (Array.isArray(o.all)) o.all.forEach((x, j) => walk(x, [...path, 'all', j]));
      if (Array.isArray(o.any)) o.any.forEach((x, j) => walk(x, [...path, 'any', j]));
      if (o.not !== undefined) walk(o.not, [...path, 'not']);
    };
    walk(t.when, ['triggers', i, 'when']);
  });
}

function checkPlaceholders(scenario: Scenario, parties: ReadonlySet<string>, add: Add): void {
  const check = (value: unknown, path: Path, timeline: boolean): void => {
    if (typeof value === 'string') {
      if (!value.includes('{{')) return;
      for (const match of value.matchAll(ANY_PLACEHOLDER)) {
        const inner = match[1]!.trim();
        const written = match[0];
        if (/^now\b/.test(inner)) {
          const parsed = parseDeliveryPlaceholder(inner);
          if (parsed === null || parsed.kind !== 'now') {
            add(path, 'SCENARIO_INVALID_PLACEHOLDER', `${written} is not a time placeholder: write {{now}}, {{now-30s}} or {{now+2m|DD/MMM/YYYY:HH:mm:ss ZZ}}`, written);
          } else if (formatTokens(parsed.format).some((t) => DATE_TOKENS.has(t)) && scenario.wallClockDate === undefined) {
            add(path, 'SCENARIO_MISSING_FIELD', `${written} prints a date: set "wallClockDate" (e.g. "2025-05-20") at the top of the scenario`, written);
          } else if (formatTokens(parsed.format).length === 0) {
            add(path, 'SCENARIO_INVALID_PLACEHOLDER', `${written} has no time in its format: use tokens such as YYYY MM DD MMM HH mm ss SSS Z ZZ`, written);
          }
        } else if (inner.startsWith('party.')) {
          const id = inner.slice('party.'.length);
          if (!parties.has(id)) add(path, 'SCENARIO_UNKNOWN_REFERENCE', `${written} names unknown party "${id}"`, written);
        } else if (timeline && VARIABLE_NAME.test(inner)) {
          add(path, 'SCENARIO_UNKNOWN_VARIABLE', `placeholder ${written} is not known here: scripted alerts may use {{now}} and {{party.<id>}}; variables belong to noise generators`, written);
        }
      }
    } else if (Array.isArray(value)) value.forEach((item, i) => check(item, [...path, i], timeline));
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) check(item, [...path, key], timeline);
  };
  const body = (alert: AlertTemplate) => {
    const { title, description, observables, raw, fields, rule } = alert;
    return { title, description, observables, raw, fields, rule };
  };
  scenario.timeline.forEach((alert, i) => check(body(alert), ['timeline', i], true));
  scenario.injects.forEach((alert, i) => check(body(alert), ['injects', i], true));
  scenario.noise.forEach((generator, i) => {
    check(body(generator.template), ['noise', i, 'template'], false);
    for (const name of Object.keys(generator.vars)) {
      if (RESERVED_VARIABLES.has(name)) add(['noise', i, 'vars', name], 'SCENARIO_RESERVED_VARIABLE', `"${name}" is a reserved placeholder ({{now}}, {{party.<id>}}): name the variable otherwise`);
    }
  });
}
