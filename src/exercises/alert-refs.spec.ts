import { AlertRefNamer, alertRef, newAlertSalt, TeamAlertRefIndex } from './alert-refs.js';
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
    expect(out).toEqual({ seq: 3, eventId: alertRef('s', 'inject-1'), virtualMs: 10, deliveredVirtualMs: 12, scheduledWallMs: 99, catchUp: false, alert: { id: alertRef('s', 'inject-1'), kind: 'alert', title: { vi: 'a', en: 'b' } } });
    expect(JSON.stringify(out)).not.toMatch(/inject|origin/);
  });

  it('resolve back only what was delivered to the team', () => {
    const namer = new AlertRefNamer('s');
    const index = new TeamAlertRefIndex(namer);
    index.add([{ seq: 1, eventId: 'a-webshell' }, { seq: 2, eventId: 'n-scan-1' }]);
    expect(index.lastSeq).toBe(2);
    expect(index.eventIdOf(namer.refOf('a-webshell'))).toBe('a-webshell');
    expect(index.eventIdOf(namer.refOf('a-other'))).toBeUndefined();
    expect(index.eventIdOf('a-webshell')).toBeUndefined();
  });
});
