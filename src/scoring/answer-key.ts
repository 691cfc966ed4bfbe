import type { Layer } from '../contracts/common.schema.js';
import type { AlertAnswer, Scenario } from '../contracts/scenario.schema.js';

/** What the scorer needs to know about one alert of the scenario (never shown to trainees). */
export interface KeyAlert {
  readonly id: string;
  readonly origin: 'timeline' | 'noise' | 'inject';
  readonly layer: Layer;
  readonly phase: string | undefined;
  readonly technique: string | undefined;
  readonly asset: string | undefined;
  readonly title: string;
  readonly answer: AlertAnswer;
}

/**
 * The answer key of a scenario indexed for scoring. Noise answers come from the generator's
 * template and ids are `<generatorId>-<n>`, so no seed (and no noise expansion) is needed: one key
 * serves every team and every seed of the scenario.
 */
export class AnswerKey {
  private readonly byId = new Map<string, KeyAlert>();
  private readonly injects = new Map<string, KeyAlert>();
  private readonly generators = new Map<string, { readonly count: number; readonly alert: Omit<KeyAlert, 'id'> }>();

  constructor(readonly scenario: Scenario) {
    for (const item of scenario.timeline) {
      this.byId.set(item.id, {
        id: item.id,
        origin: 'timeline',
        layer: item.layer,
        phase: item.phase,
        technique: item.technique,
        asset: item.asset,
        title: item.title.en,
        answer: item.answer,
      });
    }
    for (const generator of scenario.noise) {
      const t = generator.template;
      this.generators.set(generator.id, {
        count: generator.count,
        alert: { origin: 'noise', layer: t.layer, phase: t.phase, technique: t.technique, asset: t.asset, title: t.title.en, answer: t.answer },
      });
    }
    for (const inject of scenario.injects) {
      this.injects.set(inject.id, {
        id: inject.id,
        origin: 'inject',
        layer: inject.layer,
        phase: inject.phase,
        technique: inject.technique,
        asset: inject.asset,
        title: inject.title.en,
        answer: inject.answer,
      });
    }
  }

  /** The key entry of a delivered event (library injects by their library id); undefined for ad-hoc injects. */
  alert(eventId: string, injectId?: string): KeyAlert | undefined {
    if (injectId !== undefined) {
      const inject = this.injects.get(injectId);
      return inject === undefined ? undefined : inject.id === eventId ? inject : { ...inject, id: eventId };
    }
    const direct = this.byId.get(eventId) ?? this.injects.get(eventId);
    if (direct !== undefined) return direct;
    const dash = eventId.lastIndexOf('-');
    if (dash <= 0) return undefined;
    const generator = this.generators.get(eventId.slice(0, dash));
    const n = Number(eventId.slice(dash + 1));
    if (generator === undefined || !Number.isInteger(n) || n < 1 || n > generator.count) return undefined;
    return { id: eventId, ...generator.alert };
  }

  /** Follows `duplicateOf` to the first alert of the chain (guarding against cycles in hand-made keys). */
  rootOf(alertId: string): string {
    let current = alertId;
    const seen = new Set<string>();
    for (;;) {
      const next = this.alert(current)?.answer.duplicateOf;
      if (next === undefined || seen.has(next)) return current;
      seen.add(current);
      current = next;
    }
  }
}
