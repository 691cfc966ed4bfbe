import { MIN } from '../scoring-fixtures.js';
import { ideal, isolateAt, item, score } from './scorer-spec-support.js';

describe('response', () => {
  // r-isolate: window from a1 (1m) to a1 + 10m, 100 points = the whole 250 (r-spread never opens).
  it.each([
    [1 * MIN, 250, 'earned'],
    [6 * MIN, 187.5, 'partial'],
    [11 * MIN, 125, 'partial'],
    [12 * MIN, 0, 'late'],
  ])('speed: taken at %i ms scores %d (base 50 %% + 50 %% × (deadline − t)/(deadline − start))', (atMs, expected, status) => {
    const result = score(ideal({ response: [isolateAt(atMs)] }));
    expect(result.components.response.score).toBe(expected);
    expect(item(result, 'response:r-isolate').status).toBe(status);
  });

  it('annotates a late action with its delay and the window', () => {
    const note = item(score(ideal({ response: [isolateAt(15 * MIN)] })), 'response:r-isolate').note;
    expect(note).toBe('isolate-host portal taken at T+15m, 14m after delivery of a1; window was 10m from delivery of a1: too late.');
  });

  it('a required response whose window opened and was missed scores 0; one whose window never opened is not applicable', () => {
    const result = score(ideal({ response: [] }));
    expect(result.components.response.score).toBe(0);
    expect(item(result, 'response:r-isolate')).toMatchObject({ status: 'missed', code: 'RESPONSE_MISSED', points: 0, maxPoints: 250 });
    expect(item(result, 'response:r-spread')).toMatchObject({ status: 'not-applicable', code: 'RESPONSE_WINDOW_NEVER_OPENED', maxPoints: 0 });
  });

  it('harmful actions cost their declared penalty once', () => {
    const result = score(ideal({ response: [isolateAt(1 * MIN), isolateAt(2 * MIN, 'db'), isolateAt(3 * MIN, 'db')] }));
    expect(result.components.response.score).toBe(220);
    expect(item(result, 'harmful:h-db')).toMatchObject({ status: 'penalty', points: -30 });
    expect(result.metrics.harmfulActions).toBe(1);
  });

  it('clamps a component at 0 when penalties exceed its points', () => {
    const result = score(ideal({ response: [isolateAt(2 * MIN, 'db')] }));
    expect(result.components.response.unclamped).toBe(-30);
    expect(result.components.response.score).toBe(0);
  });
});
