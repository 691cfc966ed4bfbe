import type { PracticeHint, Scenario } from '../contracts/scenario.schema.js';

/**
 * The next practice hint for a delivered alert: the alert's own hints first, then those of its
 * attack stage, in the order the author wrote them; undefined when all are taken (or there are none).
 * Noise and injects have no stage, so only their own hints (none, as authors name timeline alerts) apply.
 */
export function nextPracticeHint(
  scenario: Pick<Scenario, 'timeline' | 'practiceHints'>,
  eventId: string,
  taken: ReadonlySet<string>,
): PracticeHint | undefined {
  const hints = scenario.practiceHints ?? [];
  const own = hints.find((h) => 'alert' in h.for && h.for.alert === eventId && !taken.has(h.id));
  if (own) return own;
  const phase = scenario.timeline.find((a) => a.id === eventId)?.phase;
  return phase === undefined ? undefined : hints.find((h) => 'phase' in h.for && h.for.phase === phase && !taken.has(h.id));
}
