import { DurationSchema, formatDuration, parseDuration } from './common.schema.js';

describe('durations', () => {
  it('parses compound durations into seconds', () => {
    expect(parseDuration('1h20m')).toBe(4800);
    expect(parseDuration('5d')).toBe(432000);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('abc')).toBeNull();
    expect(parseDuration('')).toBeNull();
  });
  it('accepts numbers and text in the schema', () => {
    expect(DurationSchema.parse(30)).toBe(30);
    expect(DurationSchema.parse('2m')).toBe(120);
    expect(DurationSchema.safeParse('2 minutes').success).toBe(false);
  });
  it('reads a bare number as seconds and takes units only in the order d, h, m, s (docs/scenario-authoring.md, Times)', () => {
    expect(DurationSchema.parse(300)).toBe(300);
    expect(DurationSchema.parse('1h20m30s')).toBe(4830);
    expect(DurationSchema.parse('2d')).toBe(172_800);
    for (const text of ['20m1h', '1.5h', '15 m', '15M', 'm']) expect([text, DurationSchema.safeParse(text).success]).toEqual([text, false]);
    expect(DurationSchema.safeParse(366 * 86_400).success).toBe(true);
    expect(DurationSchema.safeParse(366 * 86_400 + 1).success).toBe(false);
    expect(DurationSchema.safeParse(1.5).success).toBe(false);
  });
  it('formats back', () => {
    expect(formatDuration(4830)).toBe('1h20m30s');
  });
});
