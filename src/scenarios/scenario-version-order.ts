/**
 * Scenario versions are ordered by their semantic version number (MAJOR.MINOR.PATCH, the format
 * the scenario schema enforces), never by upload time: "1.10.0" is newer than "1.9.0".
 */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return 0;
}

/** Newest first: by version number, then (for bundled files revised in place under one number) by upload time. */
export function newestFirst<T extends { readonly version: string; readonly createdAt: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => compareVersions(b.version, a.version) || (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}
