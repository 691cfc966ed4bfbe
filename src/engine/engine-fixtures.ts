import { AlertTemplateSchema, ScenarioSchema, type AlertTemplate, type Scenario, type ScenarioInput } from '../contracts/scenario.schema.js';

/** Small in-code scenarios for the engine's unit tests, always parsed through the real schema. */

type AlertInput = ScenarioInput['timeline'][number];
type TriggerInput = NonNullable<ScenarioInput['triggers']>[number];

export function text(en: string): { vi: string; en: string } {
  return { vi: en, en };
}

export function fixtureAlert(id: string, extra: Partial<AlertInput> = {}): AlertInput {
  return {
    id,
    layer: 2,
    sensor: 'waf',
    severity: 'medium',
    title: text(`Alert ${id}`),
    description: text(`Description of ${id}`),
    answer: { verdict: 'true-positive', severity: 'medium', routing: [], incident: null },
    ...extra,
  };
}

export function fixtureTrigger(id: string, when: TriggerInput['when'], extra: Partial<TriggerInput> = {}): TriggerInput {
  return { id, description: text(`Trigger ${id}`), when, ...extra };
}

export function fixtureScenario(overrides: Partial<ScenarioInput> = {}): Scenario {
  return ScenarioSchema.parse({
    schemaVersion: 1,
    id: 'engine-fixture',
    version: '1.0.0',
    title: text('Engine fixture'),
    description: text('A scenario for engine tests'),
    difficulty: 'basic',
    duration: '2h',
    target: { asset: 'portal', name: text('Portal'), securityLevel: 3 },
    assets: [
      { id: 'portal', kind: 'web-portal', name: text('Portal') },
      { id: 'db', kind: 'database', name: text('Database') },
      { id: 'ws-01', kind: 'workstation', name: text('Workstation 1') },
    ],
    parties: [
      { id: 'soc', kind: 'soc', name: text('SOC') },
      { id: 'csirt', kind: 'provincial-csirt', name: text('CSIRT') },
    ],
    phases: [
      { id: 'recon', name: text('Recon') },
      { id: 'exploit', name: text('Exploit') },
      { id: 'spread', name: text('Spread') },
      { id: 'impact', name: text('Impact') },
    ],
    timeline: [fixtureAlert('a1', { at: '1m' })],
    scoring: { weights: { detection: 250, response: 250, coordination: 250, incident: 250 } },
    ...overrides,
  });
}

/** An ad-hoc inject body, parsed like the realtime layer would. */
export function fixtureTemplate(title: string): AlertTemplate {
  const { id: _id, ...body } = fixtureAlert(title);
  return AlertTemplateSchema.parse(body);
}
