import type { AlertTemplate } from '../contracts/scenario.schema.js';

/** The alert as a trainee sees it: the scenario body without the answer key or scheduling. */
export type TraineeAlert = { readonly id: string; readonly kind: 'alert' } & Readonly<Omit<AlertTemplate, 'answer'>>;

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
    observables: body.observables.map((o) => (o.role === undefined ? { type: o.type, value: o.value } : { type: o.type, value: o.value, role: o.role })),
  };
  if (body.technique !== undefined) alert.technique = body.technique;
  if (body.phase !== undefined) alert.phase = body.phase;
  if (body.asset !== undefined) alert.asset = body.asset;
  if (body.raw !== undefined) alert.raw = body.raw;
  if (body.fields !== undefined) alert.fields = { ...body.fields };
  if (body.rule !== undefined) {
    const rule: { name: string; id?: string; author?: string } = { name: body.rule.name };
    if (body.rule.id !== undefined) rule.id = body.rule.id;
    if (body.rule.author !== undefined) rule.author = body.rule.author;
    alert.rule = rule;
  }
  return alert;
}

/** Picks the alert body out of a timeline event or library inject (dropping id/at/after/kind). */
export function alertBodyOf(source: AlertTemplate): AlertTemplate {
  const { layer, sensor, severity, title, description, technique, phase, asset, observables, raw, fields, rule, answer } = source;
  return { layer, sensor, severity, title, description, technique, phase, asset, observables, raw, fields, rule, answer };
}
