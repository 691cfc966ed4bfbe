import type { TeamState, TriageAction } from '../contracts/triage.schema.js';
import {
  AlertRefNamer,
  alertIdsOf,
  alertRef,
  newAlertSalt,
  recordedActionWithRefs,
  renameActionAlertIds,
  TeamAlertRefIndex,
  teamStateWithRefs,
  withRefsInText,
} from './alert-refs.js';
import type { LoggedEvent } from './exercise-views.js';

describe('alert references', () => {
  it('are opaque, stable per salt and differ between exercises', () => {
    const salt = newAlertSalt();
    const ref = alertRef(salt, 'ng-internet-scanners-2');
    expect(ref).toMatch(/^AL-[0-9a-f]{12}$/);
    expect(alertRef(salt, 'ng-internet-scanners-2')).toBe(ref);
    expect(alertRef(salt, 'ng-internet-scanners-3')).not.toBe(ref);
    expect(alertRef(newAlertSalt(), 'ng-internet-scanners-2')).not.toBe(ref);
    expect(newAlertSalt()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('name the outgoing event and its alert by reference, without origin or inject id', () => {
    const namer = new AlertRefNamer('s');
    const event = {
      seq: 3,
      eventId: 'inject-1',
      virtualMs: 10,
      deliveredVirtualMs: 12,
      scheduledWallMs: 99,
      catchUp: false,
      origin: 'inject',
      injectId: 'inj-press',
      alert: { id: 'inject-1', kind: 'alert', title: { vi: 'a', en: 'b' } },
    } as LoggedEvent;
    const out = namer.outgoingEvent(event);
    expect(out).toEqual({
      seq: 3,
      eventId: alertRef('s', 'inject-1'),
      virtualMs: 10,
      deliveredVirtualMs: 12,
      scheduledWallMs: 99,
      catchUp: false,
      alert: { id: alertRef('s', 'inject-1'), kind: 'alert', title: { vi: 'a', en: 'b' } },
    });
    expect(JSON.stringify(out)).not.toMatch(/inject|origin/);
  });

  it('resolve back only what was delivered to the team', () => {
    const namer = new AlertRefNamer('s');
    const index = new TeamAlertRefIndex(namer);
    index.add([
      { seq: 1, eventId: 'a-webshell' },
      { seq: 2, eventId: 'n-scan-1' },
    ]);
    expect(index.lastSeq).toBe(2);
    expect(index.eventIdOf(namer.refOf('a-webshell'))).toBe('a-webshell');
    expect(index.eventIdOf(namer.refOf('a-other'))).toBeUndefined();
    expect(index.eventIdOf('a-webshell')).toBeUndefined();
  });
});

const base = { actionId: '00000000-0000-4000-8000-000000000001', exerciseId: '00000000-0000-4000-8000-000000000002' };
const up = (id: string) => `R(${id})`;

describe('alert ids in triage payloads', () => {
  it('finds and renames every alert id an action names, with its path', () => {
    const actions: TriageAction[] = [
      { ...base, type: 'alert.verdict', alertId: 'b', verdict: 'duplicate', duplicateOf: 'a' },
      { ...base, type: 'route', target: { alertId: 'a' }, to: ['p'], escalate: false },
      { ...base, type: 'route', target: { incidentId: 'INC-1' }, to: ['p'], escalate: false },
      { ...base, type: 'incident.create', title: 't', alertIds: ['a', 'b'] },
      { ...base, type: 'incident.unlink', incidentId: 'INC-1', alertIds: ['c'] },
      { ...base, type: 'hint.request', for: { alertId: 'a' } },
      { ...base, type: 'hint.request', for: { phase: 'recon' } },
      { ...base, type: 'response', action: 'isolate-host', target: 'web-01' },
    ];
    expect(actions.map((a) => alertIdsOf(a))).toEqual([
      [
        { id: 'b', path: 'alertId' },
        { id: 'a', path: 'duplicateOf' },
      ],
      [{ id: 'a', path: 'target.alertId' }],
      [],
      [
        { id: 'a', path: 'alertIds.0' },
        { id: 'b', path: 'alertIds.1' },
      ],
      [{ id: 'c', path: 'alertIds.0' }],
      [{ id: 'a', path: 'for.alertId' }],
      [],
      [],
    ]);
    expect(renameActionAlertIds(actions[0]!, up)).toMatchObject({ alertId: 'R(b)', duplicateOf: 'R(a)' });
    expect(renameActionAlertIds(actions[7]!, up)).toEqual(actions[7]);
    expect(
      recordedActionWithRefs(
        {
          actionId: 'x',
          exerciseId: 'e',
          teamId: 't',
          userId: 'u',
          username: 'n',
          seq: 1,
          virtualMs: 0,
          wallMs: 0,
          action: actions[3] as unknown as Record<string, unknown>,
        },
        up,
      ).action,
    ).toMatchObject({ alertIds: ['R(a)', 'R(b)'] });
  });

  it('renames state keys and every alert id inside a team state', () => {
    const alert = {
      alertId: 'b',
      ownerId: null,
      takeoverRequests: [],
      acknowledgedAtMs: null,
      verdict: 'duplicate' as const,
      verdictReason: null,
      duplicateOf: 'a',
      verdictAtMs: 1,
      firstVerdictAtMs: 1,
      severity: null,
      notes: [],
      routes: [],
      incidentId: 'INC-1',
    };
    const state: TeamState = {
      exerciseId: 'e',
      teamId: 't',
      lastActionSeq: 2,
      alerts: { b: alert },
      incidents: {
        'INC-1': {
          id: 'INC-1',
          title: 'x',
          severity: null,
          legalClass: null,
          assets: [],
          phase: 'detection-analysis',
          tasks: [],
          notes: [],
          phaseHistory: [],
          alertIds: ['a', 'b'],
          observables: [],
          routes: [],
          mergedInto: null,
          createdAtMs: 0,
          createdBy: 'u',
        },
      },
      responses: [],
      reports: [],
      hints: [{ actionId: 'h', hintId: 'hint-1', for: { alertId: 'a' }, text: null, penalty: 1, userId: 'u', virtualMs: 0 }],
      messages: [],
    };
    const out = teamStateWithRefs(state, up);
    expect(Object.keys(out.alerts)).toEqual(['R(b)']);
    expect(out.alerts['R(b)']).toMatchObject({ alertId: 'R(b)', duplicateOf: 'R(a)', incidentId: 'INC-1' });
    expect(out.incidents['INC-1']!.alertIds).toEqual(['R(a)', 'R(b)']);
    expect(out.hints[0]!.for).toEqual({ alertId: 'R(a)' });
    // The exercise's namer does the same with its references.
    const namer = new AlertRefNamer('s');
    expect(namer.teamState(state)).toEqual(teamStateWithRefs(state, (id) => alertRef('s', id)));
  });

  it('replaces whole ids only in refusal texts', () => {
    expect(withRefsInText('Alert x-1 is owned; x-10 too', [{ id: 'x-1', ref: 'AL-1' }])).toBe('Alert AL-1 is owned; x-10 too');
  });
});
