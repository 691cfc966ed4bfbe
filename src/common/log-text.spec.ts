import { logText } from './log-text.js';

describe('logText', () => {
  it('quotes plain text', () => {
    expect(logText('trainee1')).toBe('"trainee1"');
  });

  it('escapes every character that could end a log line or forge another', () => {
    const forged = 'admin\n[Nest] 1  - 07/12/2026 LOG [AuthService] User "admin" logged in\r\u0085\u2028\u2029\u001b[31m';
    const logged = logText(forged);
    expect(
      [...logged].filter((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f) || c === '\u2028' || c === '\u2029'),
    ).toEqual([]);
    expect(logged).toContain('\\n[Nest]');
    expect(logged).toContain('\\u0085');
    expect(logged).toContain('\\u2028');
    expect(logged).toContain('\\u001b');
    expect(JSON.parse(logged.replace(/\\u(00[89][0-9a-f]|007f|202[89])/g, (_m: string, hex: string) => String.fromCharCode(parseInt(hex, 16))))).toBe(forged);
  });

  it('cuts long values', () => {
    const logged = logText('x'.repeat(10_000));
    expect(logged.length).toBeLessThan(210);
    expect(logged.endsWith('…"')).toBe(true);
  });
});
