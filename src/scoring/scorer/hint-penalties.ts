import type { ScoreComponentId } from '../../contracts/scoring.schema.js';
import { at, evidence } from './score-helpers.js';
import type { Context, MetricsAcc, RawComponent } from './score-types.js';

/** Hints: each requested hint charged once, to detection (alert hints) or response (phase hints). */

export function hintItems(ctx: Context, components: Record<ScoreComponentId, RawComponent>, metrics: MetricsAcc): void {
  const charged = new Set<string>();
  for (const hint of ctx.state.hints) {
    const declared = hint.hintId === null ? undefined : ctx.scenario.hints.find((h) => h.id === hint.hintId);
    const key = hint.hintId ?? `none:${hint.actionId}`;
    if (charged.has(key)) continue;
    charged.add(key);
    const penalty = declared?.penalty ?? hint.penalty;
    const target = 'alertId' in hint.for ? `alert ${hint.for.alertId}` : `phase ${hint.for.phase}`;
    // Alert hints help triage; phase hints help the response.
    const component: ScoreComponentId = 'alertId' in hint.for ? 'detection' : 'response';
    if (penalty > 0) metrics.hints += 1;
    components[component].unscaled.push({
      id: `hint:${key}`,
      kind: 'hint',
      subject: hint.hintId ?? target,
      status: penalty > 0 ? 'penalty' : 'info',
      raw: -penalty,
      rawMax: 0,
      scaled: false,
      code: penalty > 0 ? 'HINT_USED' : 'HINT_FREE',
      note:
        penalty > 0
          ? `Hint ${hint.hintId} for ${target} requested at ${at(hint.virtualMs)}: −${penalty}.`
          : `Hint request for ${target} at ${at(hint.virtualMs)} cost nothing.`,
      evidence: evidence({ actionIds: [hint.actionId], userIds: [hint.userId], times: { requested: hint.virtualMs } }),
    });
  }
}
