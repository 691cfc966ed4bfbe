import { idealTriage, MIN, type Step } from '../scoring-fixtures.js';
import { ideal, item, score } from './scorer-spec-support.js';

describe('incident handling', () => {
  it('grouping is the F1 of the team incident against the key incident', () => {
    const result = score([...ideal(), { atMs: 5 * MIN, action: { type: 'incident.link', incidentId: 'INC-1', alertIds: ['n-fp'] } }]);
    expect(item(result, 'incident-grouping:inc-1').points).toBe(80); // 0.4 × F1 0.8 × 250
    expect(result.components.incident.score).toBe(230);
  });

  it('phases count when followed in order, and closing counts on its own', () => {
    const result = score(ideal({ close: [] }));
    expect(item(result, 'incident-phases:inc-1')).toMatchObject({ status: 'partial', points: 15 }); // 0.3 × 1/5
    expect(item(result, 'incident-closed:inc-1')).toMatchObject({ status: 'missed', points: 0 });
    expect(result.components.incident.score).toBe(140);
  });

  it('an incident matching nothing in the key dilutes the score', () => {
    const result = score([...ideal(), { atMs: 5 * MIN, action: { type: 'incident.create', title: 'Noise', alertIds: ['n-benign'] } }]);
    expect(item(result, 'incident-spurious:INC-2').status).toBe('missed');
    expect(result.components.incident.score).toBe(166.67); // 1 / 1.5
  });

  it('no incident opened: grouping, legal class and phases all score 0', () => {
    const triage = idealTriage().filter((s) => s.action.type !== 'incident.create' && s.action.type !== 'incident.link');
    const result = score(
      ideal({ triage, close: [] }).map((s) =>
        s.action.type === 'response' || s.action.type === 'report.file' ? { ...s, action: { ...s.action, incidentId: undefined } } : s,
      ) as Step[],
    );
    expect(result.components.incident.score).toBe(0);
    expect(item(result, 'incident-grouping:inc-1').code).toBe('INCIDENT_NOT_OPENED');
  });
});
