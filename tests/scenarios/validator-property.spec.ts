import fc from 'fast-check';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { SOLVERS, simulate } from '../../src/scoring/solver';
import { scenarioArbitrary } from '../support/scenario-arbitrary';

// Whatever the validator accepts must play: every solver runs it to the end without an error.
// (The e2e counterpart starts accepted files as exercises: tests/scenarios/validator-doors.e2e-spec.ts.)
describe('every scenario the validator accepts plays', () => {
  it('simulates with the perfect, naive and idle solvers', () => {
    let accepted = 0;
    fc.assert(
      fc.property(scenarioArbitrary(), fc.integer({ min: 1, max: 1_000_000 }), (text, seed) => {
        const parsed = parseScenario(text);
        if (!parsed.ok) return;
        accepted++;
        for (const solver of SOLVERS) simulate({ scenario: parsed.scenario, solver, seed });
      }),
      { numRuns: 250 },
    );
    // The generator must exercise the property, not only the refusals.
    expect(accepted).toBeGreaterThan(40);
  });
});
