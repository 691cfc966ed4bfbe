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

describe('the validator answers every input', () => {
  // YAML's punctuation, anchors, aliases, merge keys, tags and indentation in random order: the
  // answer is always a result (accepted, or located problems), never an exception.
  const token = fc.constantFrom('a', 'b: ', ': ', '- ', '  ', '\n', '\t', '&x ', '*x', '<<: ', '!!str ', '[', ']', '{', '}', ',', '"', "'", '#', '|', '>', '---\n', '?', '%', '@', '\u00f4', '\ufffd', '1.0', 'null');
  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }).map((t) => t.join('')), (text) => {
        const result = parseScenario(text);
        if (!result.ok) for (const p of result.problems) expect(p.code).toMatch(/^SCENARIO_[A-Z0-9_]+$/);
      }),
      { numRuns: 400 },
    );
  });
});

