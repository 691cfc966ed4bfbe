import type { StreamEvent } from '../../src/contracts/exercise.schema';
import type { AlertRow, TraineeAlert } from '../../web/src/trainee/console-model';
import { groupRows, matchesSearch } from '../../web/src/trainee/queue-groups';

let seq = 0;
function event(alert: Record<string, unknown>): StreamEvent {
  seq += 1;
  return {
    seq,
    eventId: `AL-${seq}`,
    virtualMs: seq * 1000,
    deliveredVirtualMs: seq * 1000,
    alert: { id: `AL-${seq}`, layer: 2, sensor: 'waf', severity: 'medium', description: { vi: '', en: '' }, observables: [], ...alert },
  } as unknown as StreamEvent;
}

const scan = (ip: string, rule: string) =>
  event({
    title: { vi: `WAF: chặn yêu cầu dò quét từ ${ip}`, en: `WAF: blocked scan from ${ip}` },
    rule: { name: `OWASP CRS ${rule}`, id: rule },
    observables: [
      { type: 'ip', value: ip },
      { type: 'user-agent', value: 'zgrab' },
    ],
  });
const events = [
  scan('198.51.100.1', '930130'),
  scan('198.51.100.2', '930130'),
  scan('198.51.100.1', '913100'),
  event({
    title: { vi: 'Người dân gọi điện báo cổng bị thay đổi giao diện', en: 'Citizen calls about a defaced portal' },
    layer: 1,
    sensor: 'human-report',
    asset: 'web-01',
  }),
];

describe('alert queue grouping and search', () => {
  // The rows as the console builds them (console-model needs the DOM's i18n): AL-2 already closed.
  const rows = events.map((e): AlertRow => {
    const alert = e.alert as unknown as TraineeAlert;
    return {
      id: e.eventId,
      seq: e.seq,
      event: e,
      alert,
      state: null,
      deliveredMs: e.deliveredVirtualMs,
      virtualMs: e.virtualMs,
      severity: alert.severity,
      severityRank: 2,
      title: alert.title.en,
      layer: alert.layer,
      sensor: alert.sensor,
      status: e.eventId === 'AL-2' ? 'closed' : 'new',
      owner: 'unowned',
    };
  });

  it('groups by rule (title when there is none), by sensor and by observable, with open counts, largest first', () => {
    expect(groupRows(rows, 'rule').map((g) => [g.label, g.rows.length, g.open])).toEqual([
      ['OWASP CRS 930130', 2, 1],
      ['Citizen calls about a defaced portal', 1, 1],
      ['OWASP CRS 913100', 1, 1],
    ]);
    expect(groupRows(rows, 'source').map((g) => [g.label, g.rows.length])).toEqual([
      ['waf', 3],
      ['human-report', 1],
    ]);
    // An alert with two observables is in two groups; the shared user agent gathers every scan.
    expect(groupRows(rows, 'observable').map((g) => [g.detail, g.label, g.rows.length])).toEqual([
      ['user-agent', 'zgrab', 3],
      ['ip', '198.51.100.1', 2],
      ['ip', '198.51.100.2', 1],
    ]);
    expect(groupRows(rows, 'none')).toEqual([]);
  });

  it('searches every word, ignoring case and Vietnamese accents, in titles, rules, assets and observables', () => {
    const hits = (q: string) => rows.filter((r) => matchesSearch(r, q)).map((r) => r.id);
    expect(hits('198.51.100.1 930130')).toEqual(['AL-1']);
    expect(hits('crs')).toEqual(['AL-1', 'AL-2', 'AL-3']);
    expect(hits('WEB-01')).toEqual(['AL-4']);
    expect(hits('thay doi giao dien')).toEqual(['AL-4']);
    expect(hits('  ')).toEqual(['AL-1', 'AL-2', 'AL-3', 'AL-4']);
  });
});
