import {
  ecsAlertDocuments,
  isoWithOffset,
  ocsfDetectionFindings,
  queueStatus,
  toNdjson,
  type QueueAlert,
  type QueueContext,
} from '../../src/exports/alert-queue-exports.js';
import { ecsFields, ecsProblems, ecsVersion, ocsfDetectionFindingUid, ocsfProblems, ocsfVersion } from './export-validators.js';
import { ECS_VERSION, OCSF_VERSION } from '../../src/exports/alert-queue-exports.js';

const CONTEXT: QueueContext = {
  exercise: { id: '11111111-1111-4111-8111-111111111111', title: 'Diễn tập' },
  org: { id: '22222222-2222-4222-8222-222222222222', name: 'Tỉnh Lâm Sơn' },
  team: { id: '33333333-3333-4333-8333-333333333333', name: 'Đội 1' },
  timeZone: 'Asia/Ho_Chi_Minh',
  lang: 'vi',
};

const ALERT: QueueAlert = {
  ref: 'AL-aaaa',
  deliveredMs: Date.UTC(2026, 11, 7, 2, 5, 0, 250),
  layer: 2,
  sensor: 'edr',
  sensorSeverity: 'medium',
  title: { vi: 'Webshell trên cổng thông tin', en: 'Web shell on the portal' },
  description: { vi: 'w3wp.exe sinh cmd.exe', en: 'w3wp.exe spawned cmd.exe' },
  technique: 'T1505.003',
  observables: [
    { type: 'ip', value: '203.0.113.7' },
    { type: 'domain', value: 'Evil.example' },
    { type: 'hash-sha256', value: 'AB'.repeat(32) },
    { type: 'account', value: 'svc_web' },
    { type: 'url', value: 'http://evil.example/x' },
  ],
  raw: '{"EventID":1}',
  rule: { name: 'Suspicious Process By Web Server Process', id: '8202070f', author: 'Thomas Patzke' },
  acknowledged: true,
  verdict: 'true-positive',
  verdictReason: null,
  duplicateOf: null,
  teamSeverity: 'critical',
  incidentId: 'INC-1',
  incidentClosed: false,
};

const QUEUE: QueueAlert[] = [
  ALERT,
  { ...ALERT, ref: 'AL-bbbb', verdict: null, acknowledged: false, teamSeverity: null, technique: undefined, rule: undefined, raw: undefined, observables: [] },
  { ...ALERT, ref: 'AL-cccc', verdict: 'false-positive', verdictReason: 'scheduled backup', incidentId: null },
  { ...ALERT, ref: 'AL-dddd', verdict: 'true-positive', incidentClosed: true },
  { ...ALERT, ref: 'AL-eeee', verdict: null, acknowledged: true },
];

describe('alert queue exports', () => {
  it('maps triage states onto the four finding statuses', () => {
    expect(QUEUE.map(queueStatus)).toEqual(['in-progress', 'new', 'suppressed', 'resolved', 'in-progress']);
  });

  it('writes times in the organisation zone with its offset', () => {
    expect(isoWithOffset(Date.UTC(2026, 11, 7, 18, 10, 33), 'Asia/Ho_Chi_Minh')).toBe('2026-12-08T01:10:33.000+07:00');
    expect(isoWithOffset(Date.UTC(2026, 0, 1), 'UTC')).toBe('2026-01-01T00:00:00.000+00:00');
    expect(isoWithOffset(Date.UTC(2026, 6, 1, 12), 'America/New_York')).toBe('2026-07-01T08:00:00.000-04:00');
  });

  it('gives OCSF Detection Findings the class requires, with nothing outside it', () => {
    const findings = ocsfDetectionFindings(QUEUE, CONTEXT);
    expect(findings).toHaveLength(QUEUE.length);
    for (const f of findings) expect(ocsfProblems(f)).toEqual([]);
    const { classUid, categoryUid } = ocsfDetectionFindingUid();
    expect(findings[0]).toMatchObject({ class_uid: classUid, category_uid: categoryUid, type_uid: classUid * 100 + 1, severity_id: 5, status_id: 2 });
    expect(findings.map((f) => f.status_id)).toEqual([2, 1, 3, 4, 2]);
    expect(findings[2]).toMatchObject({ status: 'Suppressed', status_detail: 'false-positive — scheduled backup' });
    expect(findings[0]!.time).toBe(ALERT.deliveredMs);
    expect(findings[0]!.timezone_offset).toBe(420);
    expect(OCSF_VERSION).toBe(ocsfVersion());
  });

  it('catches a finding outside the OCSF class (the check can fail)', () => {
    const [finding] = ocsfDetectionFindings([ALERT], CONTEXT);
    const { time: _time, ...withoutTime } = finding!;
    expect(ocsfProblems({ ...withoutTime, verdict_text: 'x', status_id: 42 })).toEqual(
      expect.arrayContaining(['missing required time', 'unknown attribute verdict_text', 'status_id=42 outside its enum']),
    );
  });

  it('gives ECS alert documents whose fields are ECS fields of the right type', () => {
    const docs = ecsAlertDocuments(QUEUE, CONTEXT);
    const fields = ecsFields();
    for (const d of docs) expect(ecsProblems(d, fields)).toEqual([]);
    expect(docs[0]).toMatchObject({
      '@timestamp': '2026-12-07T09:05:00.250+07:00',
      event: { kind: 'alert', id: 'AL-aaaa', severity: 4 },
      threat: { framework: 'MITRE ATT&CK', technique: { id: ['T1505'], subtechnique: { id: ['T1505.003'] } } },
      related: { ip: ['203.0.113.7'], hosts: ['evil.example'], user: ['svc_web'] },
      rule: { author: ['Thomas Patzke'] },
      soc_drill: { alert: { status: 'in-progress', verdict: 'true-positive' } },
    });
    expect(docs.map((d) => (d.soc_drill as { alert: { status: string } }).alert.status)).toEqual([
      'in-progress',
      'new',
      'suppressed',
      'resolved',
      'in-progress',
    ]);
    expect(ECS_VERSION).toBe(ecsVersion());
  });

  it('catches a document outside ECS (the check can fail)', () => {
    expect(ecsProblems({ '@timestamp': '2026-12-07 09:05', event: { severity: 'high', kynd: 'alert' } })).toEqual([
      '@timestamp: "2026-12-07 09:05" is not a valid date',
      'event.severity: "high" is not a valid long',
      'event.kynd: not an ECS field',
    ]);
  });

  it('writes NDJSON: one document per line', () => {
    const text = toNdjson(ecsAlertDocuments(QUEUE, CONTEXT));
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => (JSON.parse(l) as { event: { id: string } }).event.id)).toEqual(QUEUE.map((a) => a.ref));
  });
});
