import { TriageActionSchema, type TeamState, type TriageAction, type TriageActionInput } from '../contracts/triage.schema.js';
import type { ReportObligation } from '../contracts/scenario.schema.js';
import { filledContentFields, toEngineAction } from './engine-mapping.js';
import { reportDeadlines } from './report-deadlines.js';
import {
  applyAction,
  deriveTeamState,
  emptyTeamState,
  responseTarget,
  TriageError,
  triageScenarioView,
  type RecordedActionInput,
  type TriageContext,
} from './team-state.reducer.js';

const EXERCISE = '00000000-0000-4000-8000-000000000001';
const ALICE = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';
const EVE = '00000000-0000-4000-8000-00000000000e';

const view = triageScenarioView({
  assets: [
    { id: 'web-01', kind: 'web-server', name: { vi: 'w', en: 'w' }, addresses: [], services: [] },
    { id: 'db-01', kind: 'database', name: { vi: 'd', en: 'd' }, addresses: [], services: [] },
  ],
  parties: [
    { id: 'p-owner', kind: 'owner', layer: null, name: { vi: 'o', en: 'o' } },
    { id: 'p-vncert', kind: 'national-coordinator', layer: null, name: { vi: 'v', en: 'v' } },
  ],
  phases: [{ id: 'ph-webshell', name: { vi: 'p', en: 'p' }, techniques: [] }],
  hints: [
    { id: 'h1', for: { alert: 'a1' }, text: { vi: 'gợi ý 1', en: 'hint 1' }, penalty: 10 },
    { id: 'h2', for: { alert: 'a1' }, text: { vi: 'gợi ý 2', en: 'hint 2' }, penalty: 20 },
    { id: 'h3', for: { phase: 'ph-webshell' }, text: { vi: 'gợi ý 3', en: 'hint 3' }, penalty: 5 },
  ],
  playbooks: [
    {
      id: 'pb-web',
      title: { vi: 'Website', en: 'Website' },
      tasks: [
        { id: 'isolate', title: { vi: 'Cô lập', en: 'Isolate' }, description: { vi: 'máy chủ', en: 'the server' } },
        { id: 'patch', title: { vi: 'Vá', en: 'Patch' } },
      ],
    },
  ],
});
const DELIVERED = new Set(['a1', 'a2', 'a3', 'inject-1']);
const ctx: TriageContext = { delivered: (id) => DELIVERED.has(id), scenario: view, teamMemberIds: new Set([ALICE, BOB]) };

let counter = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
type Body = TriageActionInput extends infer T ? (T extends unknown ? Omit<T, 'actionId' | 'exerciseId'> : never) : never;
const parse = (body: Body): TriageAction => TriageActionSchema.parse({ ...body, actionId: uuid(), exerciseId: EXERCISE });

/**
 * Applies actions in order as (user, body) pairs; virtual time = 1000 × seq. Every step also runs in
 * place on maps of its own (as the triage service does) and must reach the same state, and every
 * alert or incident an action replaced must be listed in its `changed` (the service's committed
 * view and the teammates' broadcast are built from that list).
 */
function run(steps: Array<[string, Body]>, start: TeamState = emptyTeamState(EXERCISE, 'team-1')) {
  let state = start;
  let owned: TeamState = { ...start, alerts: { ...start.alerts }, incidents: { ...start.incidents } };
  const results: Array<Record<string, unknown> | undefined> = [];
  for (const [userId, body] of steps) {
    const seq = state.lastActionSeq + 1;
    const input = { action: parse(body), userId, virtualMs: seq * 1000, seq };
    const outcome = applyAction(state, input, ctx);
    for (const [id, alert] of Object.entries(outcome.state.alerts)) if (state.alerts[id] !== alert) expect(outcome.changed.alertIds).toContain(id);
    for (const [id, incident] of Object.entries(outcome.state.incidents))
      if (state.incidents[id] !== incident) expect(outcome.changed.incidentIds).toContain(id);
    const inPlace = applyAction(owned, input, ctx, { inPlace: true });
    expect(inPlace.state.alerts).toBe(owned.alerts);
    expect(inPlace.state).toEqual(outcome.state);
    expect(inPlace.changed).toEqual(outcome.changed);
    owned = inPlace.state;
    state = outcome.state;
    results.push(outcome.result);
  }
  return { state, results };
}

/** A refusal changes nothing, even in place. */
function refused(state: TeamState, userId: string, body: Body): TriageError {
  const before = JSON.stringify(state);
  try {
    applyAction(state, { action: parse(body), userId, virtualMs: 99_000, seq: state.lastActionSeq + 1 }, ctx, { inPlace: true });
  } catch (error) {
    expect(JSON.stringify(state)).toBe(before);
    if (error instanceof TriageError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('team state reducer', () => {
  it('starts empty', () => {
    expect(emptyTeamState(EXERCISE, 't')).toEqual({
      exerciseId: EXERCISE,
      teamId: 't',
      lastActionSeq: 0,
      alerts: {},
      incidents: {},
      responses: [],
      reports: [],
      hints: [],
      messages: [],
      detectedAtMs: null,
    });
  });

  it('refuses alerts not delivered to the team, for every alert-bearing action', () => {
    const state = emptyTeamState(EXERCISE, 't');
    const bodies: Body[] = [
      { type: 'alert.acknowledge', alertId: 'zz' },
      { type: 'alert.release', alertId: 'zz' },
      { type: 'alert.request-takeover', alertId: 'zz' },
      { type: 'alert.assign', alertId: 'zz', userId: BOB },
      { type: 'alert.verdict', alertId: 'zz', verdict: 'true-positive' },
      { type: 'alert.severity', alertId: 'zz', severity: 'low' },
      { type: 'alert.note', alertId: 'zz', text: 'x' },
      { type: 'route', target: { alertId: 'zz' }, to: ['p-owner'] },
      { type: 'incident.create', title: 'x', alertIds: ['a1', 'zz'] },
      { type: 'alert.verdict', alertId: 'a1', verdict: 'duplicate', duplicateOf: 'zz' },
      { type: 'hint.request', for: { alertId: 'zz' } },
    ];
    for (const body of bodies) expect(refused(state, ALICE, body).code).toBe('ALERT_NOT_DELIVERED');
    // Injects are alerts too.
    expect(run([[ALICE, { type: 'alert.acknowledge', alertId: 'inject-1' }]]).state.alerts['inject-1']?.ownerId).toBe(ALICE);
  });

  describe('ownership lock', () => {
    const owned = run([[ALICE, { type: 'alert.acknowledge', alertId: 'a1' }]]).state;

    it('acknowledge takes a free alert and keeps the first acknowledgement time', () => {
      expect(owned.alerts.a1).toMatchObject({ ownerId: ALICE, acknowledgedAtMs: 1000 });
      const again = run([[ALICE, { type: 'alert.acknowledge', alertId: 'a1' }]], owned).state;
      expect(again.alerts.a1).toMatchObject({ ownerId: ALICE, acknowledgedAtMs: 1000 });
    });

    it('refuses verdict, severity, notes, assign, acknowledge and release by another teammate', () => {
      const bodies: Body[] = [
        { type: 'alert.verdict', alertId: 'a1', verdict: 'true-positive' },
        { type: 'alert.severity', alertId: 'a1', severity: 'high' },
        { type: 'alert.note', alertId: 'a1', text: 'x' },
        { type: 'alert.assign', alertId: 'a1', userId: BOB },
        { type: 'alert.acknowledge', alertId: 'a1' },
        { type: 'alert.release', alertId: 'a1' },
      ];
      for (const body of bodies) expect(refused(owned, BOB, body).code).toBe('ALERT_OWNED_BY_OTHER');
    });

    it('records takeover requests (one per user) visible in the state, refuses them when nobody else owns it', () => {
      const { state } = run(
        [
          [BOB, { type: 'alert.request-takeover', alertId: 'a1', message: 'first' }],
          [BOB, { type: 'alert.request-takeover', alertId: 'a1', message: 'again' }],
        ],
        owned,
      );
      expect(state.alerts.a1!.takeoverRequests).toEqual([{ userId: BOB, virtualMs: 3000, message: 'again' }]);
      expect(refused(owned, ALICE, { type: 'alert.request-takeover', alertId: 'a1' }).code).toBe('VALIDATION_FAILED');
      expect(refused(owned, ALICE, { type: 'alert.request-takeover', alertId: 'a2' }).code).toBe('VALIDATION_FAILED');
    });

    it('lets the owner assign to a teammate (clearing their request) and anyone assign a free alert; only teammates', () => {
      const requested = run([[BOB, { type: 'alert.request-takeover', alertId: 'a1' }]], owned).state;
      const assigned = run([[ALICE, { type: 'alert.assign', alertId: 'a1', userId: BOB }]], requested).state;
      expect(assigned.alerts.a1).toMatchObject({ ownerId: BOB, takeoverRequests: [] });
      expect(run([[BOB, { type: 'alert.verdict', alertId: 'a1', verdict: 'true-positive' }]], assigned).state.alerts.a1!.verdict).toBe('true-positive');
      expect(run([[BOB, { type: 'alert.assign', alertId: 'a2', userId: ALICE }]]).state.alerts.a2).toMatchObject({ ownerId: ALICE, acknowledgedAtMs: 1000 });
      expect(refused(owned, ALICE, { type: 'alert.assign', alertId: 'a1', userId: EVE })).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ path: 'userId' }],
      });
    });

    it('release frees the alert for anyone', () => {
      const released = run([[ALICE, { type: 'alert.release', alertId: 'a1' }]], owned).state;
      expect(released.alerts.a1!.ownerId).toBeNull();
      expect(run([[BOB, { type: 'alert.acknowledge', alertId: 'a1' }]], released).state.alerts.a1!.ownerId).toBe(BOB);
    });

    it('lets anyone work on an alert nobody owns, without taking it', () => {
      const { state } = run([[BOB, { type: 'alert.note', alertId: 'a2', text: 'n' }]]);
      expect(state.alerts.a2).toMatchObject({ ownerId: null, notes: [{ userId: BOB, text: 'n', virtualMs: 1000 }] });
    });
  });

  describe('verdicts and severities', () => {
    it('keeps the first verdict time, the current verdict and its reason', () => {
      const { state } = run([
        [ALICE, { type: 'alert.verdict', alertId: 'a1', verdict: 'true-positive' }],
        [ALICE, { type: 'alert.verdict', alertId: 'a1', verdict: 'false-positive', reason: 'máy quét được phép' }],
        [ALICE, { type: 'alert.severity', alertId: 'a1', severity: 'medium' }],
      ]);
      expect(state.alerts.a1).toMatchObject({
        verdict: 'false-positive',
        verdictReason: 'máy quét được phép',
        firstVerdictAtMs: 1000,
        verdictAtMs: 2000,
        severity: 'medium',
      });
      expect(state.detectedAtMs).toBe(1000);
    });

    it('checks duplicates: delivered original, not itself, only with the duplicate verdict', () => {
      expect(run([[ALICE, { type: 'alert.verdict', alertId: 'a2', verdict: 'duplicate', duplicateOf: 'a1' }]]).state.alerts.a2!.duplicateOf).toBe('a1');
      const empty = emptyTeamState(EXERCISE, 't');
      expect(refused(empty, ALICE, { type: 'alert.verdict', alertId: 'a2', verdict: 'duplicate', duplicateOf: 'a2' }).code).toBe('VALIDATION_FAILED');
      expect(refused(empty, ALICE, { type: 'alert.verdict', alertId: 'a2', verdict: 'true-positive', duplicateOf: 'a1' }).code).toBe('VALIDATION_FAILED');
    });

    it('leaves the reason rule for false positives to the schema', () => {
      expect(TriageActionSchema.safeParse({ actionId: uuid(), exerciseId: EXERCISE, type: 'alert.verdict', alertId: 'a1', verdict: 'benign' }).success).toBe(
        false,
      );
    });
  });

  describe('routing', () => {
    it('records routes on alerts and incidents, deduplicating parties', () => {
      const { state } = run([
        [ALICE, { type: 'route', target: { alertId: 'a1' }, to: ['p-owner', 'p-owner'], escalate: true, message: 'gấp' }],
        [ALICE, { type: 'incident.create', title: 'i' }],
        [BOB, { type: 'route', target: { incidentId: 'INC-1' }, to: ['p-vncert'] }],
      ]);
      expect(state.alerts.a1!.routes).toEqual([expect.objectContaining({ to: ['p-owner'], escalate: true, message: 'gấp', userId: ALICE, virtualMs: 1000 })]);
      expect(state.incidents['INC-1']!.routes).toEqual([expect.objectContaining({ to: ['p-vncert'], escalate: false, userId: BOB })]);
    });

    it('refuses unknown parties with details, and unknown incidents', () => {
      const error = refused(emptyTeamState(EXERCISE, 't'), ALICE, { type: 'route', target: { alertId: 'a1' }, to: ['p-owner', 'p-x', 'p-y'] });
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'to.1' }, { path: 'to.2' }] });
      expect(refused(emptyTeamState(EXERCISE, 't'), ALICE, { type: 'route', target: { incidentId: 'INC-1' }, to: ['p-owner'] }).code).toBe(
        'INCIDENT_NOT_FOUND',
      );
    });
  });

  describe('incidents', () => {
    const two = run([
      [ALICE, { type: 'incident.create', title: 'Webshell', alertIds: ['a1'], severity: 'high' }],
      [BOB, { type: 'incident.create', title: 'Quét', alertIds: ['a2'] }],
    ]);

    it('numbers incidents INC-1, INC-2 per team and links their alerts', () => {
      expect(two.results).toEqual([{ incidentId: 'INC-1' }, { incidentId: 'INC-2' }]);
      expect(two.state.incidents['INC-1']).toMatchObject({
        title: 'Webshell',
        severity: 'high',
        phase: 'detection-analysis',
        alertIds: ['a1'],
        createdAtMs: 1000,
        createdBy: ALICE,
        mergedInto: null,
      });
      expect(two.state.alerts.a1!.incidentId).toBe('INC-1');
      expect(two.state.detectedAtMs).toBe(1000);
    });

    it('links and unlinks; an alert belongs to one incident at a time', () => {
      const linked = run([[ALICE, { type: 'incident.link', incidentId: 'INC-1', alertIds: ['a3', 'a3'] }]], two.state).state;
      expect(linked.incidents['INC-1']!.alertIds).toEqual(['a1', 'a3']);
      expect(refused(linked, ALICE, { type: 'incident.link', incidentId: 'INC-1', alertIds: ['a2'] })).toMatchObject({
        code: 'CONFLICT',
        details: [{ path: 'alertIds.0' }],
      });
      expect(refused(linked, ALICE, { type: 'incident.create', title: 'x', alertIds: ['a3'] }).code).toBe('CONFLICT');
      const unlinked = run([[ALICE, { type: 'incident.unlink', incidentId: 'INC-1', alertIds: ['a3'] }]], linked).state;
      expect(unlinked.incidents['INC-1']!.alertIds).toEqual(['a1']);
      expect(unlinked.alerts.a3!.incidentId).toBeNull();
      expect(refused(unlinked, ALICE, { type: 'incident.unlink', incidentId: 'INC-1', alertIds: ['a2'] }).code).toBe('VALIDATION_FAILED');
    });

    it('merges sources into the target; merged incidents take no further changes', () => {
      const withObs = run(
        [
          [BOB, { type: 'incident.observable', incidentId: 'INC-2', observable: { type: 'ip', value: '203.0.113.66' } }],
          [BOB, { type: 'incident.update', incidentId: 'INC-2', assets: ['web-01'] }],
          [ALICE, { type: 'incident.merge', incidentId: 'INC-1', sourceIncidentIds: ['INC-2'] }],
        ],
        two.state,
      ).state;
      expect(withObs.incidents['INC-1']).toMatchObject({ alertIds: ['a1', 'a2'], observables: [{ type: 'ip', value: '203.0.113.66' }], assets: ['web-01'] });
      expect(withObs.incidents['INC-2']).toMatchObject({ mergedInto: 'INC-1', alertIds: [] });
      expect(withObs.alerts.a2!.incidentId).toBe('INC-1');
      const closed: Body[] = [
        { type: 'incident.link', incidentId: 'INC-2', alertIds: ['a3'] },
        { type: 'incident.update', incidentId: 'INC-2', title: 'x' },
        { type: 'incident.observable', incidentId: 'INC-2', observable: { type: 'domain', value: 'x.example' } },
        { type: 'route', target: { incidentId: 'INC-2' }, to: ['p-owner'] },
        { type: 'response', action: 'patch', target: 'web-01', incidentId: 'INC-2' },
        { type: 'incident.merge', incidentId: 'INC-1', sourceIncidentIds: ['INC-2'] },
      ];
      for (const body of closed) expect(refused(withObs, ALICE, body).code).toBe('INCIDENT_MERGED');
      expect(refused(two.state, ALICE, { type: 'incident.merge', incidentId: 'INC-1', sourceIncidentIds: ['INC-1'] }).code).toBe('VALIDATION_FAILED');
      expect(refused(two.state, ALICE, { type: 'incident.merge', incidentId: 'INC-1', sourceIncidentIds: ['INC-7'] }).code).toBe('INCIDENT_NOT_FOUND');
    });

    it('moves phases forward (skipping allowed), never back', () => {
      const { state } = run(
        [
          [ALICE, { type: 'incident.update', incidentId: 'INC-1', phase: 'containment' }],
          [ALICE, { type: 'incident.update', incidentId: 'INC-1', phase: 'containment' }],
          [ALICE, { type: 'incident.update', incidentId: 'INC-1', phase: 'recovery', legalClass: 'ordinary', title: 'Webshell cổng' }],
        ],
        two.state,
      );
      expect(state.incidents['INC-1']).toMatchObject({ phase: 'recovery', legalClass: 'ordinary', title: 'Webshell cổng' });
      expect(state.incidents['INC-1']!.phaseHistory).toEqual([
        { phase: 'detection-analysis', virtualMs: 1000 },
        { phase: 'containment', virtualMs: 3000 },
        { phase: 'recovery', virtualMs: 5000 },
      ]);
      expect(refused(state, ALICE, { type: 'incident.update', incidentId: 'INC-1', phase: 'eradication' }).code).toBe('INCIDENT_PHASE_ORDER');
    });

    it('validates assets and deduplicates observables', () => {
      expect(refused(two.state, ALICE, { type: 'incident.update', incidentId: 'INC-1', assets: ['web-01', 'mars-01'] })).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ path: 'assets.1' }],
      });
      const { state } = run(
        [
          [ALICE, { type: 'incident.observable', incidentId: 'INC-1', observable: { type: 'ip', value: '1.2.3.4' } }],
          [ALICE, { type: 'incident.observable', incidentId: 'INC-1', observable: { type: 'ip', value: '1.2.3.4' } }],
        ],
        two.state,
      );
      expect(state.incidents['INC-1']!.observables).toHaveLength(1);
      expect(refused(two.state, ALICE, { type: 'incident.observable', incidentId: 'INC-9', observable: { type: 'ip', value: '1.2.3.4' } }).code).toBe(
        'INCIDENT_NOT_FOUND',
      );
    });
  });

  describe('responses', () => {
    it('canonicalises targets by kind', () => {
      expect(responseTarget('isolate-host', ' WEB-01 ', view)).toBe('web-01');
      expect(responseTarget('disable-account', 'svc_portal_ldap', view)).toBe('svc_portal_ldap');
      expect(responseTarget('reset-credentials', 'DOMAIN\\admin', view)).toBe('DOMAIN\\admin');
      expect(responseTarget('block-ip', '198.51.100.77', view)).toBe('198.51.100.77');
      expect(responseTarget('block-ip', '203.0.113.0/24', view)).toBe('203.0.113.0/24');
      expect(responseTarget('block-ip', '2001:DB8::1', view)).toBe('2001:db8::1');
      expect(responseTarget('block-domain', 'CDN-ThongKe.example.', view)).toBe('cdn-thongke.example');
      expect(responseTarget('request-coordination', 'p-vncert', view)).toBe('p-vncert');
    });

    it('refuses targets of the wrong kind', () => {
      const bad: Array<[Parameters<typeof responseTarget>[0], string]> = [
        ['isolate-host', 'svc_portal_ldap'],
        ['patch', '10.0.0.1'],
        ['block-ip', 'web-01'],
        ['block-ip', '300.1.1.1'],
        ['block-ip', '10.0.0.0/33'],
        ['block-domain', '10.0.0.1'],
        ['block-domain', 'not a domain'],
        ['request-coordination', 'p-nobody'],
        ['disable-account', 'bad account!'],
      ];
      for (const [action, target] of bad) expect(() => responseTarget(action, target, view)).toThrow(TriageError);
    });

    it('records the response with its canonical target and checks the incident', () => {
      const { state, results } = run([[ALICE, { type: 'response', action: 'isolate-host', target: 'Web-01', note: 'giữ kênh EDR' }]]);
      expect(results[0]).toEqual({ target: 'web-01' });
      expect(state.responses).toEqual([
        expect.objectContaining({ action: 'isolate-host', target: 'web-01', incidentId: null, note: 'giữ kênh EDR', virtualMs: 1000 }),
      ]);
      expect(refused(state, ALICE, { type: 'response', action: 'patch', target: 'web-01', incidentId: 'INC-4' }).code).toBe('INCIDENT_NOT_FOUND');
    });
  });

  describe('reports', () => {
    const content = { whatHappened: 'Webshell', affectedSystems: ['web-01'] };
    it('numbers reports RPT-n; corrections are new reports pointing at an existing one of the same kind', () => {
      const { state, results } = run([
        [ALICE, { type: 'report.file', kind: 'notification', recipients: ['p-owner', 'p-vncert'], content }],
        [BOB, { type: 'report.file', kind: 'notification', recipients: ['p-owner'], content: { ...content, impact: 'x' }, correctsReportId: 'RPT-1' }],
      ]);
      expect(results).toEqual([{ reportId: 'RPT-1' }, { reportId: 'RPT-2' }]);
      expect(state.reports[0]).toMatchObject({ id: 'RPT-1', content: { whatHappened: 'Webshell', iocs: [] }, correctsReportId: null });
      expect(state.reports[1]).toMatchObject({ id: 'RPT-2', correctsReportId: 'RPT-1', userId: BOB });
      expect(state.detectedAtMs).toBe(1000);
      expect(refused(state, ALICE, { type: 'report.file', kind: 'notification', recipients: ['p-owner'], content, correctsReportId: 'RPT-7' }).code).toBe(
        'REPORT_NOT_FOUND',
      );
      expect(refused(state, ALICE, { type: 'report.file', kind: 'initial', recipients: ['p-owner'], content, correctsReportId: 'RPT-1' }).code).toBe(
        'VALIDATION_FAILED',
      );
      expect(refused(state, ALICE, { type: 'report.file', kind: 'initial', recipients: ['p-mars'], content }).code).toBe('VALIDATION_FAILED');
      expect(refused(state, ALICE, { type: 'report.file', kind: 'initial', recipients: ['p-owner'], content, incidentId: 'INC-1' }).code).toBe(
        'INCIDENT_NOT_FOUND',
      );
    });
  });

  describe('hints', () => {
    it('gives the next unused hint for the alert or phase, with text and penalty, then NO_HINT', () => {
      const { state, results } = run([
        [ALICE, { type: 'hint.request', for: { alertId: 'a1' } }],
        [BOB, { type: 'hint.request', for: { alertId: 'a1' } }],
        [BOB, { type: 'hint.request', for: { phase: 'ph-webshell' } }],
      ]);
      expect(results).toEqual([
        { hintId: 'h1', text: { vi: 'gợi ý 1', en: 'hint 1' }, penalty: 10 },
        { hintId: 'h2', text: { vi: 'gợi ý 2', en: 'hint 2' }, penalty: 20 },
        { hintId: 'h3', text: { vi: 'gợi ý 3', en: 'hint 3' }, penalty: 5 },
      ]);
      expect(state.hints.map((h) => [h.hintId, h.penalty, h.userId])).toEqual([
        ['h1', 10, ALICE],
        ['h2', 20, BOB],
        ['h3', 5, BOB],
      ]);
      expect(refused(state, ALICE, { type: 'hint.request', for: { alertId: 'a1' } }).code).toBe('NO_HINT');
      expect(refused(state, ALICE, { type: 'hint.request', for: { alertId: 'a2' } }).code).toBe('NO_HINT');
      expect(refused(state, ALICE, { type: 'hint.request', for: { phase: 'ph-webshell' } }).code).toBe('NO_HINT');
      expect(refused(state, ALICE, { type: 'hint.request', for: { phase: 'ph-unknown' } }).code).toBe('VALIDATION_FAILED');
    });
  });

  describe('folding the log', () => {
    const log: RecordedActionInput[] = [
      [ALICE, { type: 'incident.create', title: 'a', alertIds: ['a1'] }],
      [BOB, { type: 'incident.create', title: 'b' }],
      [ALICE, { type: 'report.file', kind: 'initial', recipients: ['p-owner'], content: { whatHappened: 'x' } }],
      [ALICE, { type: 'alert.acknowledge', alertId: 'a2' }],
      [BOB, { type: 'hint.request', for: { alertId: 'a1' } }],
    ].map(([userId, body], i) => ({ action: parse(body as Body), userId: userId as string, virtualMs: (i + 1) * 1000, seq: i + 1 }));

    it('is deterministic: the same log gives the same state and ids, and equals step-by-step application', () => {
      const once = deriveTeamState(log, ctx, { teamId: 'team-1' });
      const twice = deriveTeamState(log, ctx, { teamId: 'team-1' });
      expect(twice).toEqual(once);
      let stepwise = emptyTeamState(EXERCISE, 'team-1');
      for (const entry of log) stepwise = applyAction(stepwise, entry, ctx).state;
      expect(once).toEqual(stepwise);
      expect(Object.keys(once.incidents)).toEqual(['INC-1', 'INC-2']);
      expect(once.reports.map((r) => r.id)).toEqual(['RPT-1']);
      expect(once.lastActionSeq).toBe(5);
      expect(once.exerciseId).toBe(EXERCISE);
    });

    it('never mutates its inputs', () => {
      const state = deriveTeamState(log.slice(0, 4), ctx);
      const frozen = JSON.stringify(state);
      applyAction(state, log[4]!, ctx);
      applyAction(state, { ...log[3]!, seq: 6 }, ctx);
      expect(JSON.stringify(state)).toBe(frozen);
    });

    it('skips (and reports) entries that no longer apply instead of failing the whole log', () => {
      const skipped: number[] = [];
      const stale = { action: parse({ type: 'incident.update', incidentId: 'INC-9', title: 'x' }), userId: ALICE, virtualMs: 6000, seq: 6 };
      const state = deriveTeamState([...log, stale], ctx, { onSkipped: (r, error) => skipped.push(r.seq, error.code.length) });
      expect(skipped).toEqual([6, 'INCIDENT_NOT_FOUND'.length]);
      expect(state.lastActionSeq).toBe(6);
      expect(state).toEqual({ ...deriveTeamState(log, ctx), lastActionSeq: 6 });
    });
  });
});

describe('engine mapping', () => {
  it('maps triage actions to what triggers see', () => {
    const verdict = parse({ type: 'alert.verdict', alertId: 'a1', verdict: 'duplicate', duplicateOf: 'a2' });
    expect(toEngineAction(verdict)).toEqual({ type: 'verdict', actionId: verdict.actionId, alertId: 'a1', verdict: 'duplicate', duplicateOf: 'a2' });
    const severity = parse({ type: 'alert.severity', alertId: 'a1', severity: 'high' });
    expect(toEngineAction(severity)).toMatchObject({ type: 'severity', alertId: 'a1', severity: 'high' });
    expect(toEngineAction(parse({ type: 'route', target: { incidentId: 'INC-1' }, to: ['p-owner', 'p-owner'] }))).toMatchObject({
      type: 'route',
      incidentId: 'INC-1',
      to: ['p-owner'],
    });
    expect(toEngineAction(parse({ type: 'route', target: { alertId: 'a1' }, to: ['p-owner'] }))).toMatchObject({ type: 'route', alertId: 'a1' });
    expect(toEngineAction(parse({ type: 'response', action: 'isolate-host', target: 'WEB-01' }), { target: 'web-01' })).toMatchObject({
      type: 'response',
      action: 'isolate-host',
      target: 'web-01',
    });
    const report = parse({
      type: 'report.file',
      kind: 'notification',
      recipients: ['p-owner'],
      incidentId: 'INC-1',
      content: { whatHappened: 'x', securityLevel: 3, iocs: [{ type: 'ip', value: '1.2.3.4' }] },
    });
    expect(toEngineAction(report)).toMatchObject({
      type: 'report',
      kind: 'notification',
      recipients: ['p-owner'],
      incidentId: 'INC-1',
      content: ['what-happened', 'security-level', 'iocs'],
    });
    const note = parse({ type: 'alert.note', alertId: 'a1', text: 'hi' });
    expect(toEngineAction(note)).toEqual({ type: 'other', actionId: note.actionId, kind: 'alert.note', data: { alertId: 'a1', text: 'hi' } });
    expect(toEngineAction(parse({ type: 'incident.create', title: 't' }), { incidentId: 'INC-1' })).toMatchObject({
      type: 'other',
      kind: 'incident.create',
      data: { result: { incidentId: 'INC-1' } },
    });
  });

  it('lists every filled report field', () => {
    expect(
      filledContentFields({
        whatHappened: 'a',
        detectedAt: 'b',
        affectedSystems: ['web-01'],
        securityLevel: 2,
        impact: 'c',
        actionsTaken: 'd',
        iocs: [{ type: 'ip', value: '1.1.1.1' }],
        supportRequest: 'e',
      }),
    ).toEqual(['what-happened', 'detected-at', 'affected-systems', 'security-level', 'impact', 'actions-taken', 'iocs', 'support-request']);
    expect(filledContentFields({ whatHappened: 'a', affectedSystems: [], iocs: [], impact: '  ' })).toEqual(['what-happened']);
  });
});

describe('report deadlines', () => {
  const obligation = (id: string, kind: ReportObligation['kind'], from: ReportObligation['from'], deadline: number): ReportObligation => ({
    id,
    kind,
    recipients: ['p-owner'],
    inappropriateRecipients: [],
    from,
    deadline,
    requiredContent: [],
    legalBasis: { vi: 'QĐ 05/2017', en: 'Decision 05/2017' },
    points: 10,
  });
  const obligations = [obligation('notify', 'notification', { event: 'hidden-alert' }, 1800), obligation('update', 'situation-update', 3600, 1800)];

  it('shows nothing running until the team recognises an incident', () => {
    const deadlines = reportDeadlines(emptyTeamState(EXERCISE, 't'), obligations, 5_000_000);
    expect(deadlines.map((d) => d.status)).toEqual(['not-started', 'not-started']);
    expect(JSON.stringify(deadlines)).not.toContain('hidden-alert');
  });

  it('shows the law of each obligation: required recipients, required content and the legal basis, never its incident or inappropriate parties', () => {
    const keyed: ReportObligation = {
      ...obligation('rep-webshell', 'notification', { event: 'hidden-alert' }, 1800),
      incident: 'inc-hidden',
      recipients: ['p-owner', 'p-vncert'],
      inappropriateRecipients: ['p-press'],
      requiredContent: ['what-happened', 'security-level'],
    };
    const [deadline] = reportDeadlines(emptyTeamState(EXERCISE, 't'), [keyed], 0);
    expect(deadline).toMatchObject({ recipients: ['p-owner', 'p-vncert'], requiredContent: ['what-happened', 'security-level'], legalBasis: keyed.legalBasis });
    expect(JSON.stringify(deadline)).not.toMatch(/inc-hidden|p-press|rep-webshell|hidden-alert/);
  });

  it("names deadlines by position, never by the answer key's obligation ids", () => {
    const { state } = run([[ALICE, { type: 'alert.verdict', alertId: 'a1', verdict: 'true-positive' }]]);
    const deadlines = reportDeadlines(state, obligations, 600_000);
    expect(deadlines.map((d) => [d.obligationId, d.kind])).toEqual([
      ['deadline-1', 'notification'],
      ['deadline-2', 'situation-update'],
    ]);
    expect(JSON.stringify(deadlines)).not.toMatch(/"notify"|"update"/);
  });

  it("starts event-based clocks at the team's detection and scheduled ones at their time", () => {
    const { state } = run([[ALICE, { type: 'alert.verdict', alertId: 'a1', verdict: 'true-positive' }]]);
    const [notify, update] = reportDeadlines(state, obligations, 600_000);
    expect(notify).toMatchObject({ status: 'open', startsFrom: 'detection', startsAtMs: 1000, dueAtMs: 1_801_000, remainingMs: 1_201_000 });
    expect(update).toMatchObject({ status: 'upcoming', startsFrom: 'schedule', startsAtMs: 3_600_000, dueAtMs: 5_400_000, remainingMs: 1_800_000 });
    expect(reportDeadlines(state, obligations, 2_000_000)[0]).toMatchObject({ status: 'overdue', remainingMs: null });
  });

  it('marks obligations met or late by the first matching original report', () => {
    const content = { whatHappened: 'x' };
    const { state } = run([
      [ALICE, { type: 'alert.verdict', alertId: 'a1', verdict: 'true-positive' }],
      [ALICE, { type: 'report.file', kind: 'notification', recipients: ['p-owner'], content }],
    ]);
    expect(reportDeadlines(state, obligations, 10_000)[0]).toMatchObject({ status: 'met', filedReportId: 'RPT-1', filedAtMs: 2000 });
    const late = { ...state, reports: state.reports.map((r) => ({ ...r, virtualMs: 4_000_000 })) };
    expect(reportDeadlines(late, obligations, 4_100_000)[0]).toMatchObject({ status: 'late' });
    // An update filed before its window does not count.
    const early = run([[ALICE, { type: 'report.file', kind: 'situation-update', recipients: ['p-owner'], content }]], state).state;
    expect(reportDeadlines(early, obligations, 3_700_000)[1]).toMatchObject({ status: 'open', filedReportId: null });
  });

  describe('case work and the team channel', () => {
    const opened = () => run([[ALICE, { type: 'incident.create', title: 'Cổng TTĐT', alertIds: ['a1'] }]]).state;

    it('seeds tasks from a playbook once, adds own tasks, assigns to teammates and ticks them off', () => {
      const { state, results } = run(
        [
          [ALICE, { type: 'incident.playbook', incidentId: 'INC-1', playbookId: 'pb-web' }],
          [BOB, { type: 'incident.playbook', incidentId: 'INC-1', playbookId: 'pb-web' }],
          [BOB, { type: 'incident.task-add', incidentId: 'INC-1', title: 'Gọi nhà cung cấp' }],
          [ALICE, { type: 'incident.task', incidentId: 'INC-1', taskId: 'pb-web/isolate', assigneeId: BOB }],
          [BOB, { type: 'incident.task', incidentId: 'INC-1', taskId: 'pb-web/isolate', done: true }],
          [ALICE, { type: 'incident.task', incidentId: 'INC-1', taskId: 'T-1', done: true }],
          [ALICE, { type: 'incident.task', incidentId: 'INC-1', taskId: 'T-1', done: false, assigneeId: null }],
        ],
        opened(),
      );
      expect(results.slice(0, 3)).toEqual([{ added: 2 }, { added: 0 }, { taskId: 'T-1' }]);
      expect(state.incidents['INC-1']!.tasks).toEqual([
        {
          id: 'pb-web/isolate',
          playbookId: 'pb-web',
          title: { vi: 'Cô lập', en: 'Isolate' },
          description: { vi: 'máy chủ', en: 'the server' },
          assigneeId: BOB,
          done: true,
          doneAtMs: 6000,
          doneBy: BOB,
          addedAtMs: 2000,
        },
        expect.objectContaining({ id: 'pb-web/patch', description: null, done: false, assigneeId: null }),
        expect.objectContaining({ id: 'T-1', playbookId: null, title: { vi: 'Gọi nhà cung cấp', en: 'Gọi nhà cung cấp' }, done: false, doneBy: null }),
      ]);
    });

    it('refuses unknown playbooks and tasks, outsiders as assignees, and a merged incident', () => {
      const state = run([[ALICE, { type: 'incident.playbook', incidentId: 'INC-1', playbookId: 'pb-web' }]], opened()).state;
      expect(refused(state, ALICE, { type: 'incident.playbook', incidentId: 'INC-1', playbookId: 'pb-none' }).details).toEqual([
        { path: 'playbookId', message: 'unknown playbook' },
      ]);
      expect(refused(state, ALICE, { type: 'incident.task', incidentId: 'INC-1', taskId: 'nope', done: true }).code).toBe('VALIDATION_FAILED');
      expect(refused(state, ALICE, { type: 'incident.task', incidentId: 'INC-1', taskId: 'pb-web/patch', assigneeId: EVE }).details).toEqual([
        { path: 'assigneeId', message: 'not a member of the team' },
      ]);
      expect(refused(state, ALICE, { type: 'incident.note', incidentId: 'INC-9', text: 'x' }).code).toBe('INCIDENT_NOT_FOUND');
      expect(() => parse({ type: 'incident.task', incidentId: 'INC-1', taskId: 'pb-web/patch' })).toThrow(/assigneeId or done/);
    });

    it('keeps notes in order, moves tasks and notes on a merge, and records channel messages', () => {
      const { state } = run(
        [
          [ALICE, { type: 'incident.create', title: 'Thứ hai', alertIds: ['a2'] }],
          [ALICE, { type: 'incident.note', incidentId: 'INC-2', text: 'ghi chú 2' }],
          [BOB, { type: 'incident.note', incidentId: 'INC-1', text: 'ghi chú 1' }],
          [BOB, { type: 'incident.task-add', incidentId: 'INC-2', title: 'Việc riêng' }],
          [ALICE, { type: 'incident.merge', incidentId: 'INC-1', sourceIncidentIds: ['INC-2'] }],
          [ALICE, { type: 'team.message', text: 'Mình xem WAF' }],
          [BOB, { type: 'team.message', text: 'Bàn giao ca', handover: true }],
        ],
        opened(),
      );
      expect(state.incidents['INC-1']!.notes.map((n) => n.text)).toEqual(['ghi chú 2', 'ghi chú 1']);
      expect(state.incidents['INC-1']!.tasks.map((task) => task.id)).toEqual(['T-1']);
      expect(state.messages.map((m) => [m.userId, m.text, m.handover, m.seq])).toEqual([
        [ALICE, 'Mình xem WAF', false, 7],
        [BOB, 'Bàn giao ca', true, 8],
      ]);
      expect(() => parse({ type: 'team.message', text: '   ' })).toThrow();
    });
  });
});
