import type { ImportSummary } from './importer.js';

/** The summary as the CLI prints it: what was read, kept and left out (and why), and what was renamed. */
export function formatImportSummary(summary: ImportSummary): string {
  const lines: string[] = [];
  lines.push(
    `Import ${summary.format}: ${summary.read} records read, ${summary.imported} imported (${summary.alerts} alerts${summary.sigmaAlerts > 0 ? ` of which ${summary.sigmaAlerts} raised by Sigma rules` : ''}, ${summary.events} raw events), ` +
      `${summary.read - summary.imported} left out (${summary.malformedCount} malformed).`,
  );
  for (const file of summary.files) {
    lines.push(`  ${file.file}: ${file.read} read, ${file.alerts} alerts, ${file.events} raw events, ${file.skipped} skipped, ${file.malformed} malformed`);
  }
  if (summary.firstTime !== null) {
    lines.push(
      `Time: ${summary.firstTime} is T+0, ${summary.lastTime} is T+${summary.spanSeconds}s${summary.speed === 1 ? '' : ` (compressed ${summary.speed}×)`}.`,
    );
  }
  if (summary.skipped.length > 0) {
    lines.push('Skipped:');
    for (const s of summary.skipped) lines.push(`  ${s.count} × ${s.reason} (first: ${s.file}:${s.line})`);
  }
  if (summary.malformedCount > 0) {
    lines.push(
      `Malformed (${summary.malformedCount}${summary.malformed.length < summary.malformedCount ? `, the first ${summary.malformed.length} listed` : ''}):`,
    );
    for (const m of summary.malformed) lines.push(`  ${m.file}:${m.line}: ${m.reason}`);
  }
  const kinds = ['private-address', 'public-address', 'domain', 'name'] as const;
  const counts = kinds.map(
    (k) => `${summary.remapped.filter((r) => r.kind === k).length} ${k.replace('-', ' ')}${k === 'private-address' || k === 'public-address' ? 'es' : 's'}`,
  );
  lines.push(`Renamed: ${counts.join(', ')}.`);
  for (const r of summary.remapped)
    lines.push(`  ${r.kind.padEnd(15)} ${r.from} → ${r.to}${r.asset === undefined ? '' : ` (asset ${r.asset})`} in ${r.records} record(s)`);
  for (const w of summary.warnings) lines.push(`Warning: ${w.message} [${w.code}]`);
  return lines.join('\n');
}
