import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RulesRegistryService } from '../../src/scenarios/rules-registry.service';
import { startTestApp } from '../support/test-app';

/** The eras and rule packs are checked at start: bad files stop the server with their line and code; an organisation's good ones join the bundled. */
describe('rules files at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'soc-drill-org-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loads an organisation's new era and pack next to the bundled ones", async () => {
    writeFileSync(
      join(dir, 'law-116-2025.yaml'),
      `schemaVersion: 1
eras:
  - id: "2026"
    name: { vi: Từ 01/7/2026, en: From 1 July 2026 }
    from: "2026-07-01"
    legalBasis: { vi: "Luật An ninh mạng số 116/2025/QH15", en: "Cybersecurity Law 116/2025/QH15" }
packs:
  - id: law-116-2025
    version: 1.0.0
    title: { vi: Báo cáo theo Luật An ninh mạng 2025, en: Reporting under the 2025 Cybersecurity Law }
    eras: ["2026"]
    effectiveFrom: "2026-07-01"
    rules:
      - { id: notification, kind: notification, recipients: [owner], legalBasis: { vi: "Luật 116/2025/QH15", en: "Law 116/2025/QH15" } }
`,
    );
    const t = await startTestApp({ RULES_EXTRA_DIR: dir });
    try {
      const registry = t.app.get(RulesRegistryService).registry;
      expect(registry.eras.map((e) => e.id)).toEqual(['pre-2025', '2025', '2026']);
      expect(registry.packs.map((p) => `${p.id} ${p.version}`)).toEqual(['qd05-2017 1.0.2', 'law-116-2025 1.0.0']);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('refuses to start on a rule naming an unknown era, saying where', async () => {
    writeFileSync(
      join(dir, 'law-116-2025.yaml'),
      'schemaVersion: 1\npacks:\n  - id: x\n    version: 1.0.0\n    title: { vi: a, en: b }\n    eras: ["2030"]\n    effectiveFrom: "2026-07-01"\n    rules: [{ id: n, kind: notification, recipients: [owner], legalBasis: { vi: a, en: b } }]\n',
    );
    await expect(startTestApp({ RULES_EXTRA_DIR: dir })).rejects.toThrow(
      /law-116-2025\.yaml:6:12 {2}packs\.0\.eras\.0 {2}unknown era "2030" \(eras: pre-2025, 2025\) \[RULES_UNKNOWN_ERA\]/,
    );
  }, 60_000);
});
