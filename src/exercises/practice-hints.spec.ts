import type { Scenario } from '../contracts/scenario.schema.js';
import { nextPracticeHint } from './practice-hints.js';

const text = (en: string) => ({ vi: en, en });
const scenario = {
  timeline: [{ id: 'a-upload', phase: 'ph-exploit' }, { id: 'a-shell', phase: 'ph-webshell' }, { id: 'a-shell-2', phase: 'ph-webshell' }, { id: 'n-noise' }],
  practiceHints: [
    { id: 'stage-shell', for: { phase: 'ph-webshell' }, text: text('stage') },
    { id: 'upload-1', for: { alert: 'a-upload' }, text: text('one') },
    { id: 'upload-2', for: { alert: 'a-upload' }, text: text('two') },
    { id: 'shell-own', for: { alert: 'a-shell' }, text: text('own') },
  ],
} as unknown as Pick<Scenario, 'timeline' | 'practiceHints'>;

describe('nextPracticeHint', () => {
  it("gives the alert's own hints in order, then nothing when its stage has none", () => {
    expect(nextPracticeHint(scenario, 'a-upload', new Set())?.id).toBe('upload-1');
    expect(nextPracticeHint(scenario, 'a-upload', new Set(['upload-1']))?.id).toBe('upload-2');
    expect(nextPracticeHint(scenario, 'a-upload', new Set(['upload-1', 'upload-2']))).toBeUndefined();
  });

  it("falls back to the stage's hints once the alert's own are taken; a stage hint taken on one alert is gone for the others", () => {
    expect(nextPracticeHint(scenario, 'a-shell', new Set())?.id).toBe('shell-own');
    expect(nextPracticeHint(scenario, 'a-shell', new Set(['shell-own']))?.id).toBe('stage-shell');
    expect(nextPracticeHint(scenario, 'a-shell-2', new Set())?.id).toBe('stage-shell');
    expect(nextPracticeHint(scenario, 'a-shell-2', new Set(['stage-shell']))).toBeUndefined();
  });

  it('has nothing for noise, unknown ids or a scenario without practice hints', () => {
    expect(nextPracticeHint(scenario, 'n-noise', new Set())).toBeUndefined();
    expect(nextPracticeHint(scenario, 'ng-scanner-3', new Set())).toBeUndefined();
    expect(nextPracticeHint({ timeline: scenario.timeline }, 'a-upload', new Set())).toBeUndefined();
  });
});
