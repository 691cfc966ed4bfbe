import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../src/scenarios/scenario-parser.js';
import { groundTruthBundle, teamIncidentBundle, TLP2_MARKING_IDS, type Bundle, type TeamBundleInput } from '../../src/exports/stix-bundle.js';
import { stixBundleProblems, stixValidators } from './export-validators.js';

const validators = stixValidators();
const problems = (bundle: Bundle) => stixBundleProblems(bundle, validators);

const BASE: TeamBundleInput = {
  exercise: { id: '11111111-1111-4111-8111-111111111111', title: 'Diễn tập quý IV' },
  org: { id: '22222222-2222-4222-8222-222222222222', name: 'Tỉnh Lâm Sơn' },
  team: { id: '33333333-3333-4333-8333-333333333333', name: 'Đội 1' },
  createdMs: Date.UTC(2026, 11, 7, 1, 0, 0),
  tlp: 'amber',
  lang: 'vi',
  scope: 'INC-1',
  incidents: [
    {
      id: 'INC-1',
      title: 'Cổng thông tin bị cài webshell',
      severity: 'high',
      legalClass: 'serious',
      phase: 'containment',
      createdMs: Date.UTC(2026, 11, 7, 2, 10, 0),
      iocs: [
        { type: 'ip', value: '203.0.113.7', recordedMs: Date.UTC(2026, 11, 7, 2, 12, 0) },
        { type: 'file-path', value: "C:\\inetpub\\owa\\auth\\o'hyeah.aspx", recordedMs: Date.UTC(2026, 11, 7, 2, 13, 0) },
        { type: 'hash-sha256', value: 'AB'.repeat(32), recordedMs: Date.UTC(2026, 11, 7, 2, 14, 0) },
        { type: 'cve', value: 'cve-2021-26855', recordedMs: Date.UTC(2026, 11, 7, 2, 15, 0) },
        { type: 'url', value: "http://203.0.113.7/a?x='1'", recordedMs: Date.UTC(2026, 11, 7, 2, 16, 0) },
        { type: 'user-agent', value: 'python-requests/2.31', recordedMs: Date.UTC(2026, 11, 7, 2, 17, 0) },
        // The same IP written again (another report): one indicator.
        { type: 'ip', value: ' 203.0.113.7', recordedMs: Date.UTC(2026, 11, 7, 2, 30, 0) },
      ],
      alerts: [
        {
          ref: 'AL-aaaa',
          title: 'Web shell written under owa\\auth',
          deliveredMs: Date.UTC(2026, 11, 7, 2, 5, 0),
          observables: [
            { type: 'ip', value: '203.0.113.7' },
            { type: 'ip', value: '10.10.1.5' },
            { type: 'file-path', value: "C:\\inetpub\\owa\\auth\\o'hyeah.aspx" },
          ],
          verdict: 'true-positive',
        },
        { ref: 'AL-bbbb', title: 'Scan', deliveredMs: Date.UTC(2026, 11, 7, 2, 8, 0), observables: [{ type: 'ip', value: '203.0.113.7' }], verdict: null },
        // Closed as a false positive: not evidence, not exported.
        {
          ref: 'AL-cccc',
          title: 'Backup job',
          deliveredMs: Date.UTC(2026, 11, 7, 2, 9, 0),
          observables: [{ type: 'ip', value: '198.51.100.9' }],
          verdict: 'false-positive',
        },
      ],
    },
  ],
};

describe('STIX 2.1 bundles', () => {
  it('stands in only for schema files the shared folder lacks (sanity)', () => {
    expect(validators.standIns).toEqual(expect.arrayContaining(['common/identifier.json', 'common/timestamp.json', 'sdos/report.json']));
    expect(validators.standIns).not.toContain('sdos/indicator.json');
    expect(validators.standIns).not.toContain('sros/sighting.json');
    expect(validators.standIns).not.toContain('common/core.json');
  });

  it('catches what breaks the schemas (the check can fail)', () => {
    const bundle = teamIncidentBundle(BASE)!;
    const broken = {
      ...bundle,
      objects: bundle.objects.map((o) => {
        if (o.type === 'indicator') return Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'pattern')) as typeof o;
        if (o.type === 'sighting') return { ...o, created: '2026-12-07 02:00' };
        return o;
      }),
    };
    const found = problems(broken);
    expect(found.some((p) => p.startsWith('indicator--') && p.includes('pattern'))).toBe(true);
    expect(found.some((p) => p.startsWith('sighting--'))).toBe(true);
  });

  it("exports a team's incident as a bundle the OASIS schemas accept", () => {
    const bundle = teamIncidentBundle(BASE)!;
    expect(problems(bundle)).toEqual([]);
    const types = bundle.objects.map((o) => o.type);
    expect(types.slice(0, 2)).toEqual(['marking-definition', 'identity']);
    expect(types.filter((t) => t === 'indicator')).toHaveLength(5);
    expect(types.filter((t) => t === 'vulnerability')).toHaveLength(1);
    expect(types.filter((t) => t === 'observed-data')).toHaveLength(2);
    expect(types.filter((t) => t === 'report')).toHaveLength(1);
    const patterns = bundle.objects.filter((o) => o.type === 'indicator').map((o) => o.pattern);
    expect(patterns).toContain("[file:name = 'o\\'hyeah.aspx' AND file:parent_directory_ref.path = 'C:\\\\inetpub\\\\owa\\\\auth']");
    expect(patterns).toContain("[url:value = 'http://203.0.113.7/a?x=\\'1\\'']");
  });

  it('marks every shared object with the chosen TLP 2.0 marking (AMBER by default), and includes its definition', () => {
    for (const tlp of ['amber', 'red', 'clear'] as const) {
      const bundle = teamIncidentBundle({ ...BASE, tlp })!;
      expect(bundle.objects[0]).toMatchObject({ id: TLP2_MARKING_IDS[tlp], name: `TLP:${tlp.toUpperCase()}` });
      for (const o of bundle.objects.filter((x) => ['indicator', 'report', 'sighting', 'observed-data', 'vulnerability'].includes(x.type)))
        expect(o.object_marking_refs).toEqual([TLP2_MARKING_IDS[tlp]]);
    }
    expect(TLP2_MARKING_IDS.amber).toBe('marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421');
  });

  it('sights each indicator in the alerts the team linked, never in one it closed as a false positive', () => {
    const bundle = teamIncidentBundle(BASE)!;
    const ip = bundle.objects.find((o) => o.type === 'indicator' && o.pattern === "[ipv4-addr:value = '203.0.113.7']")!;
    const sighting = bundle.objects.find((o) => o.type === 'sighting' && o.sighting_of_ref === ip.id)!;
    expect(sighting).toMatchObject({ count: 2, first_seen: '2026-12-07T02:05:00.000Z', last_seen: '2026-12-07T02:08:00.000Z' });
    expect(JSON.stringify(bundle)).not.toContain('198.51.100.9');
    expect(JSON.stringify(bundle)).not.toContain('AL-cccc');
    // The victim's own address was seen (observed-data) but is no indicator: only IOCs the team recorded are.
    expect(bundle.objects.some((o) => o.type === 'ipv4-addr' && o.value === '10.10.1.5')).toBe(true);
    expect(bundle.objects.some((o) => o.type === 'indicator' && String(o.pattern).includes('10.10.1.5'))).toBe(false);
  });

  it('is identical when exported twice, whatever the order of the inputs', () => {
    const again = teamIncidentBundle(structuredClone(BASE));
    expect(JSON.stringify(again)).toBe(JSON.stringify(teamIncidentBundle(BASE)));
    const reordered = { ...BASE, incidents: [{ ...BASE.incidents[0]!, alerts: [...BASE.incidents[0]!.alerts].reverse() }] };
    expect(JSON.stringify(teamIncidentBundle(reordered))).toBe(JSON.stringify(teamIncidentBundle(BASE)));
  });

  it('has nothing to share for an incident without IOCs or evidence', () => {
    expect(teamIncidentBundle({ ...BASE, incidents: [{ ...BASE.incidents[0]!, iocs: [], alerts: [] }] })).toBeNull();
  });

  it("exports a scenario's answer key: the attacker's indicators, CVEs and techniques, never the victim's addresses", () => {
    const parsed = parseScenario(readFileSync(join(__dirname, '..', '..', 'scenarios', 'portal-defacement.yaml')));
    if (!parsed.ok) throw new Error('flagship does not parse');
    const input = {
      scenario: parsed.scenario,
      versionId: '44444444-4444-4444-8444-444444444444',
      createdMs: Date.UTC(2026, 0, 1),
      org: { id: BASE.org.id, name: BASE.org.name },
      tlp: 'amber' as const,
      lang: 'en' as const,
    };
    const bundle = groundTruthBundle(input)!;
    expect(problems(bundle)).toEqual([]);
    expect(JSON.stringify(groundTruthBundle(input))).toBe(JSON.stringify(bundle));
    const victims = parsed.scenario.timeline.flatMap((a) => a.observables.filter((o) => o.role === 'victim' && o.type === 'ip').map((o) => o.value));
    const attackers = parsed.scenario.timeline.flatMap((a) =>
      a.answer.verdict === 'true-positive' ? a.observables.filter((o) => o.role === 'attacker' && o.type === 'ip').map((o) => o.value) : [],
    );
    expect(attackers.length).toBeGreaterThan(0);
    const patterns = bundle.objects.filter((o) => o.type === 'indicator').map((o) => String(o.pattern));
    for (const ip of attackers) expect(patterns.some((p) => p.includes(`'${ip}'`))).toBe(true);
    for (const ip of victims.filter((v) => !attackers.includes(v))) expect(patterns.some((p) => p.includes(`'${ip}'`))).toBe(false);
    expect(bundle.objects.some((o) => o.type === 'vulnerability')).toBe(true);
    expect(bundle.objects.some((o) => o.type === 'attack-pattern')).toBe(true);
    expect(bundle.objects.filter((o) => o.type === 'report').map((o) => o.name)).toContain(parsed.scenario.incidents[0]!.title.en);
  });
});
