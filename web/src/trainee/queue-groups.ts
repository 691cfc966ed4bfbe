import type { AlertRow } from './console-model.js';

/** How the queue folds look-alike alerts together (as Security Onion's alert view does). */
export type GroupBy = 'none' | 'rule' | 'source' | 'observable';
export const GROUP_BYS: readonly GroupBy[] = ['none', 'rule', 'source', 'observable'];

export interface AlertGroup {
  /** Stable key of the group within its kind (a rule name, a sensor, `type:value`). */
  key: string;
  /** What the group is called in the table (the rule, the sensor id, the observable's value). */
  label: string;
  /** For observables, its type (ip, domain…). */
  detail: string | null;
  rows: AlertRow[];
  open: number;
}

/** The keys an alert falls under: an alert with several observables is in several observable groups. */
export function groupKeys(row: AlertRow, by: GroupBy): Array<{ key: string; label: string; detail: string | null }> {
  switch (by) {
    case 'none':
      return [];
    case 'rule': {
      // Alerts without a rule (a phone call, an official letter) fall together by their title.
      const name = row.alert.rule?.name ?? row.title;
      return [{ key: `rule:${name}`, label: name, detail: row.alert.rule?.id ?? null }];
    }
    case 'source':
      return [{ key: `source:${row.sensor}`, label: row.sensor, detail: `L${row.layer}` }];
    case 'observable': {
      const seen = new Set<string>();
      const keys: Array<{ key: string; label: string; detail: string | null }> = [];
      for (const o of row.alert.observables) {
        const key = `observable:${o.type}:${o.value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        keys.push({ key, label: o.value, detail: o.type });
      }
      return keys;
    }
    default: {
      const never: never = by;
      return never;
    }
  }
}

/** Groups, the largest first (then by label), each with its count of alerts still without a verdict. */
export function groupRows(rows: readonly AlertRow[], by: GroupBy): AlertGroup[] {
  const groups = new Map<string, AlertGroup>();
  for (const row of rows) {
    for (const { key, label, detail } of groupKeys(row, by)) {
      let group = groups.get(key);
      if (!group) {
        group = { key, label, detail, rows: [], open: 0 };
        groups.set(key, group);
      }
      group.rows.push(row);
      if (row.status !== 'closed') group.open += 1;
    }
  }
  return [...groups.values()].sort((a, b) => b.rows.length - a.rows.length || a.label.localeCompare(b.label));
}

/**
 * Free-text search in the queue: every word must appear (case- and accent-insensitive) in the
 * alert's title, asset, sensor, rule, observables or raw line, so "198.51.100 wp-login" narrows
 * to that scanner's hits on that path.
 */
export function matchesSearch(row: AlertRow, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const a = row.alert;
  const haystack = fold(
    [
      row.title,
      a.title.en,
      a.title.vi,
      a.asset ?? '',
      row.sensor,
      a.rule?.name ?? '',
      a.rule?.id ?? '',
      a.technique ?? '',
      a.raw ?? '',
      ...a.observables.map((o) => o.value),
    ].join('\n'),
  );
  return words.every((w) => haystack.includes(w));
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

/** A filter a user saved for the queue (kept per user in the browser). */
export interface SavedQueueFilter {
  name: string;
  search: string;
  groupBy: GroupBy;
  group: string | null;
  columns: Array<{ id: string; value: string | number }>;
}

const savedKey = (userId: string) => `socdrill.queue-filters.${userId}`;

export function loadSavedFilters(userId: string): SavedQueueFilter[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(savedKey(userId)) ?? '[]');
    if (!Array.isArray(value)) return [];
    return value.filter(
      (f): f is SavedQueueFilter =>
        typeof f === 'object' &&
        f !== null &&
        typeof (f as SavedQueueFilter).name === 'string' &&
        typeof (f as SavedQueueFilter).search === 'string' &&
        GROUP_BYS.includes((f as SavedQueueFilter).groupBy) &&
        Array.isArray((f as SavedQueueFilter).columns),
    );
  } catch {
    return [];
  }
}

export function storeSavedFilters(userId: string, filters: readonly SavedQueueFilter[]): void {
  try {
    localStorage.setItem(savedKey(userId), JSON.stringify(filters));
  } catch {
    // A full or blocked storage only loses the saved filters.
  }
}
