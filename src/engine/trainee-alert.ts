import type { AlertTemplate } from '../contracts/scenario.schema.js';

/**
 * The alert as a trainee sees it: the scenario body without the answer key or scheduling, and
 * without what would give the answer away (the kill-chain phase, which noise lacks, and the
 * author's attacker/victim role of each observable).
 */
export type TraineeAlert = { readonly id: string; readonly kind: 'alert' } & Readonly<Omit<AlertTemplate, 'answer' | 'phase'>>;

/**
 * Builds the trainee-facing copy with a fixed key order, so JSON of delivered events is
 * byte-identical however the source object was assembled.
 */
export function toTraineeAlert(id: string, body: Omit<AlertTemplate, 'answer'>): TraineeAlert {
  const alert: { -readonly [K in keyof TraineeAlert]: TraineeAlert[K] } = {
    id,
    kind: 'alert',
    layer: body.layer,
    sensor: body.sensor,
    severity: body.severity,
    title: { vi: body.title.vi, en: body.title.en },
    description: { vi: body.description.vi, en: body.description.en },
    observables: body.observables.map((o) => ({ type: o.type, value: o.value })),
  };
  if (body.technique !== undefined) alert.technique = body.technique;
  if (body.asset !== undefined) alert.asset = body.asset;
  if (body.raw !== undefined) alert.raw = body.raw;
  if (body.fields !== undefined) alert.fields = { ...body.fields };
  if (body.rule !== undefined) {
    const rule: { name: string; id?: string; author?: string } = { name: body.rule.name };
    if (body.rule.id !== undefined) rule.id = body.rule.id;
    if (body.rule.author !== undefined) rule.author = body.rule.author;
    alert.rule = rule;
  }
  // One body object is shared by every team's delivered events; freezing keeps a broadcaster
  // from mutating what the other teams see.
  return deepFreeze(alert);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Picks the alert body out of a timeline event or library inject (dropping id/at/after/kind). */
export function alertBodyOf(source: AlertTemplate): AlertTemplate {
  const { layer, sensor, severity, title, description, technique, phase, asset, observables, raw, fields, rule, answer } = source;
  return { layer, sensor, severity, title, description, technique, phase, asset, observables, raw, fields, rule, answer };
}
