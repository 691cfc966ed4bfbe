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
  it('formats back', () => {
    expect(formatDuration(4830)).toBe('1h20m30s');
  });
});
