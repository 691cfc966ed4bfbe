import { compareVersions, newestFirst } from './scenario-version-order.js';

describe('scenario version order', () => {
  it('compares numerically, part by part', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBe(1);
    expect(compareVersions('1.9.0', '1.10.0')).toBe(-1);
    expect(compareVersions('2.0.0', '1.99.99')).toBe(1);
    expect(compareVersions('1.0.1', '1.0.1')).toBe(0);
    expect(compareVersions('0.0.9', '0.1.0')).toBe(-1);
  });

  it('puts the highest number first whatever the upload order, and the later upload first within one number', () => {
    const rows = [
      { id: 'a', version: '1.10.0', createdAt: '2025-01-01T00:00:00.000Z' },
      { id: 'b', version: '1.2.0', createdAt: '2025-03-01T00:00:00.000Z' },
      { id: 'c', version: '1.9.0', createdAt: '2025-02-01T00:00:00.000Z' },
      { id: 'd', version: '1.10.0', createdAt: '2025-04-01T00:00:00.000Z' },
    ];
    expect(newestFirst(rows).map((r) => r.id)).toEqual(['d', 'a', 'c', 'b']);
  });
});
