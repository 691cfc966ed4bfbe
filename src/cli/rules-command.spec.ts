import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './soc-drill.js';

const org = `schemaVersion: 1
eras:
  - id: "2026"
    name: { vi: Từ 01/7/2026, en: From 1 July 2026 }
    legalBasis: { vi: "Luật An ninh mạng số 116/2025/QH15", en: "Cybersecurity Law 116/2025/QH15" }
packs:
  - id: law-116-2025
    version: 1.0.0
    title: { vi: Báo cáo theo Luật An ninh mạng 2025, en: Reporting under the 2025 Cybersecurity Law }
    eras: [2026]
    effectiveFrom: "2026-07-01"
    rules:
      - { id: notification, kind: notification, recipients: [owner], legalBasis: { vi: "Luật 116/2025/QH15", en: "Law 116/2025/QH15" } }
`;

describe('soc-drill rules', () => {
  const run = (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runCli(['rules', ...args], { out: (s: string) => out.push(s), err: (s: string) => err.push(s), cwd: process.cwd() });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('lists the eras and every rule with its legal basis', () => {
    const { code, out } = run([]);
    expect(code).toBe(0);
    expect(out).toContain('era 2025: From March 2025 from 2025-03-01');
    expect(out).toContain('notification: notification to owner, specialised-unit, national-coordinator — QĐ 05/2017/QĐ-TTg Điều 11');
  });

  it('refuses an unquoted era id with the hint to quote it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'soc-drill-rules-'));
    writeFileSync(join(dir, 'org.yaml'), org);
    const { code, err } = run([dir]);
    expect(code).toBe(1);
    expect(err).toMatch(
      /org\.yaml:10:12 {2}packs\.0\.eras\.0 {2}Invalid input: expected string, received number — quote it: YAML reads unquoted digits as a number \[RULES_INVALID\]/,
    );
  });
});
