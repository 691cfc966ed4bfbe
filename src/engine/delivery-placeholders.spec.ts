import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ScenarioSchema } from '../contracts/scenario.schema.js';
import { compileScenario } from './compiled-scenario.js';
import { formatWallClock, parseDeliveryPlaceholder, wallClockOf } from './delivery-placeholders.js';
import { deliveredEventsFor } from './rebuild.js';
import { stampAction } from './engine-action.js';

const file = join(__dirname, '..', '..', 'tests', 'fixtures', 'scenarios', 'valid', 'constructs.yaml');
// The shape only: the validator's own tests cover the file (src/scenarios/scenario-constructs.spec.ts).
const scenario = ScenarioSchema.parse(parseYaml(readFileSync(file, 'utf8')));

describe('delivery placeholders', () => {
  it('parses now with an offset and a format, and party ids', () => {
    expect(parseDeliveryPlaceholder('now')).toEqual({ kind: 'now', offsetSeconds: 0, format: 'HH:mm:ss' });
    expect(parseDeliveryPlaceholder('now-5s|DD/MMM/YYYY:HH:mm:ss ZZ')).toEqual({ kind: 'now', offsetSeconds: -5, format: 'DD/MMM/YYYY:HH:mm:ss ZZ' });
    expect(parseDeliveryPlaceholder('now+2m')).toMatchObject({ offsetSeconds: 120 });
    expect(parseDeliveryPlaceholder('now+2x')).toBeNull();
    expect(parseDeliveryPlaceholder('party.ncsc')).toEqual({ kind: 'party', partyId: 'ncsc' });
  });

  it('formats the wall clock in Vietnam time from wallClockDate and wallClockStart', () => {
    const clock = wallClockOf({ wallClockStart: '08:00', wallClockDate: '2025-05-20' });
    expect(formatWallClock(clock, 65_500, 'YYYY-MM-DDTHH:mm:ss.SSSZ')).toBe('2025-05-20T08:01:05.500+07:00');
    expect(formatWallClock(clock, 16 * 3600_000, 'DD/MMM/YYYY:HH:mm:ss ZZ')).toBe('21/May/2025:00:00:00 +0700');
  });

  it('stamps a scripted alert with its jittered delivery time, and a triggered one with the time it really arrived', () => {
    const compiled = compileScenario(scenario, 1);
    const { delivered } = deliveredEventsFor({ scenario, seed: 1, actions: [], upToVirtualMs: 3600_000, compiled });
    const webshell = delivered.find((e) => e.eventId === 'a-webshell')!;
    const hhmmss = formatWallClock(wallClockOf(scenario), webshell.virtualMs, 'HH:mm:ss');
    expect(webshell.alert.description.en).toBe(`shell.php appeared at ${hhmmss}`);
    expect(webshell.alert.raw).toContain(`"@timestamp":"2025-05-20T${hhmmss}+07:00"`);
    // The trigger fires at 20m when web-01 is not isolated; the alert follows a minute (plus jitter) later.
    const spread = delivered.find((e) => e.eventId === 'a-spread')!;
    expect(spread.virtualMs).toBeGreaterThanOrEqual(21 * 60_000);
    expect(spread.alert.raw).toContain(`[${formatWallClock(wallClockOf(scenario), spread.virtualMs - 5000, 'DD/MMM/YYYY:HH:mm:ss ZZ')}]`);
  });

  it('moves the stamp of a triggered alert with the action that released it', () => {
    const onBlock = { ...scenario, triggers: scenario.triggers.map((t) => ({ ...t, when: { taken: { action: 'block-ip' as const } } })) };
    const stampAt = (ms: number) => {
      const action = stampAction({ type: 'response', actionId: 'b', action: 'block-ip', target: '203.0.113.7' }, ms);
      const spread = deliveredEventsFor({ scenario: onBlock, seed: 1, actions: [action], upToVirtualMs: 3600_000 }).delivered.find(
        (e) => e.eventId === 'a-spread',
      )!;
      expect(spread.alert.raw).toContain(`[${formatWallClock(wallClockOf(scenario), spread.virtualMs - 5000, 'DD/MMM/YYYY:HH:mm:ss ZZ')}]`);
      return spread.alert.raw;
    };
    expect(stampAt(10 * 60_000)).not.toBe(stampAt(30 * 60_000));
  });

  it("names parties as the exercise's era does, in the text's language", () => {
    const title = (era: '2025' | 'pre-2025') =>
      deliveredEventsFor({ scenario, seed: 1, actions: [], upToVirtualMs: 3600_000, compiled: compileScenario(scenario, 1, { era }) }).delivered.find(
        (e) => e.eventId === 'a-spread',
      )!.alert.title;
    expect(title('2025')).toEqual({ vi: 'Công văn của Trung tâm An ninh mạng quốc gia', en: 'Letter from the National Cybersecurity Centre' });
    expect(title('pre-2025').en).toBe('Letter from the National Cyber Security Monitoring Centre (NCSC)');
  });

  it('keeps ECS list values as lists', () => {
    const { delivered } = deliveredEventsFor({ scenario, seed: 1, actions: [], upToVirtualMs: 3600_000 });
    expect(delivered.find((e) => e.eventId === 'a-webshell')!.alert.fields).toMatchObject({ 'related.ip': ['203.0.113.7', '10.10.1.10'] });
  });

  it('leaves an alert without placeholders as the compiled object (no copy per delivery)', () => {
    const compiled = compileScenario(scenario, 1);
    const alert = compiled.events[0]!.alert;
    const plain = { ...alert, title: { vi: 'a', en: 'b' }, description: { vi: 'c', en: 'd' }, raw: 'x {{7*7}}' };
    expect(compiled.deliveredAlert(plain, 5)).toBe(plain);
  });
});
