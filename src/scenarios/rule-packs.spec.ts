import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from './scenario-parser.js';
import { formatRulesProblem, loadRules } from './rule-packs.js';

const root = join(__dirname, '..', '..');
const bundled = readdirSync(join(root, 'rules'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ name: `rules/${f}`, text: readFileSync(join(root, 'rules', f), 'utf8') }));

/** What an organisation adds when the decrees implementing Luật An ninh mạng 116/2025/QH15 take effect. */
const law2025 = `schemaVersion: 1
eras:
  - id: "2026"
    name: { vi: Từ 01/7/2026, en: From 1 July 2026 }
    from: "2026-07-01"
    partyNames:
      national-monitoring: { vi: Trung tâm An ninh mạng quốc gia, en: National Cybersecurity Centre }
    legalBasis: { vi: "Luật An ninh mạng số 116/2025/QH15, có hiệu lực từ 01/7/2026.", en: "Cybersecurity Law 116/2025/QH15, in force from 1 July 2026." }
packs:
  - id: law-116-2025
    version: 1.0.0
    title: { vi: Báo cáo theo Luật An ninh mạng 2025, en: Reporting under the 2025 Cybersecurity Law }
    eras: ["2026"]
    effectiveFrom: "2026-07-01"
    rules:
      - id: notification
        kind: notification
        recipients: [owner, specialised-unit]
        deadline: 24h
        legalBasis: { vi: Luật 116/2025/QH15 và nghị định hướng dẫn, en: Law 116/2025/QH15 and its implementing decree }
`;

describe('rules as data', () => {
  it('loads the bundled eras and the QĐ 05/2017 pack, each rule with its legal basis', () => {
    const result = loadRules(bundled);
    if (!result.ok) throw new Error(result.problems.map(formatRulesProblem).join('\n'));
    expect(result.registry.eras.map((e) => e.id)).toEqual(['pre-2025', '2025']);
    const pack = result.registry.packs.find((p) => p.id === 'qd05-2017')!;
    expect(pack.version).toBe('1.0.2');
    expect(pack.rules.find((r) => r.id === 'notification')).toMatchObject({ deadline: 5 * 86_400, recipients: ['owner', 'specialised-unit', 'national-coordinator'] });
    for (const rule of pack.rules) expect(rule.legalBasis.vi).toMatch(/05\/2017\/QĐ-TTg|20\/2017\/TT-BTTTT/);
  });

  it("takes an organisation's new era and pack without code", () => {
    const result = loadRules([...bundled, { name: 'org/law-116.yaml', text: law2025 }]);
    expect(result.ok && result.registry.eras.map((e) => e.id)).toEqual(['pre-2025', '2025', '2026']);
    expect(result.ok && result.registry.packs.map((p) => p.id)).toEqual(['qd05-2017', 'law-116-2025']);
  });

  it('refuses with the file, line and column and a stable code', () => {
    const unknownEra = loadRules([...bundled, { name: 'org/x.yaml', text: law2025.replace('eras: ["2026"]', 'eras: ["2027"]').replace('id: "2026"', 'id: "2026"') }]);
    expect(unknownEra.ok || unknownEra.problems.map(formatRulesProblem)).toEqual(['org/x.yaml:13:12  packs.0.eras.0  unknown era "2027" (eras: pre-2025, 2025, 2026) [RULES_UNKNOWN_ERA]']);
    const twice = loadRules([...bundled, { name: 'org/x.yaml', text: law2025.replace('id: law-116-2025', 'id: qd05-2017') }]);
    expect(twice.ok || twice.problems.map((p) => [p.code, p.message])).toEqual([
      ['RULES_DUPLICATE_ID', 'rule pack "qd05-2017" is already defined in rules/reporting-qd05-2017.yaml:5: give a new pack a new id'],
    ]);
    const shape = loadRules([{ name: 'org/x.yaml', text: law2025.replace('kind: notification', 'kind: notice') }]);
    expect(shape.ok || shape.problems.map((p) => `${p.line} ${p.path} ${p.code}`)).toEqual(['17 packs.0.rules.0.kind RULES_INVALID']);
    const syntax = loadRules([{ name: 'org/x.yaml', text: 'schemaVersion: 1\neras: [\n' }]);
    expect(syntax.ok || syntax.problems[0]!.code).toBe('RULES_SYNTAX');
  });

  // The data is what the bundled drills' obligations are checked against: recipients by party kind.
  it.each(readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml')))('%s reports to the parties the pack requires', (file) => {
    const result = loadRules(bundled);
    const parsed = parseScenario(readFileSync(join(root, 'scenarios', file)));
    if (!result.ok || !parsed.ok) throw new Error('invalid');
    const pack = result.registry.packs.find((p) => p.id === 'qd05-2017')!;
    const kindOf = new Map(parsed.scenario.parties.map((p) => [p.id, p.kind]));
    for (const obligation of parsed.scenario.reporting) {
      const rule = pack.rules.find((r) => r.kind === obligation.kind)!;
      const missing = rule.recipients.filter((kind) => !obligation.recipients.some((id) => kindOf.get(id) === kind));
      expect([obligation.id, missing]).toEqual([obligation.id, []]);
    }
  });
});

