import { evaluateCondition, parseCondition } from './sigma-condition.js';
import { SigmaError } from './sigma-error.js';

const IDS = ['selection', 'selection_img', 'selection_cli', 'filter_main_a', 'filter_main_b', 'filter_optional', 'keywords', '_hidden'];

/** Evaluates `condition` with the given identifiers true and every other one false. */
function holds(condition: string, trueIds: readonly string[]): boolean {
  return evaluateCondition(parseCondition(condition, IDS), (name) => trueIds.includes(name));
}

function refusal(condition: string): SigmaError {
  try {
    parseCondition(condition, IDS);
  } catch (error) {
    if (error instanceof SigmaError) return error;
    throw error;
  }
  throw new Error('expected a SigmaError');
}

describe('Sigma conditions', () => {
  it('reads a single identifier, and, or, not', () => {
    expect(holds('selection', ['selection'])).toBe(true);
    expect(holds('selection', [])).toBe(false);
    expect(holds('selection and keywords', ['selection'])).toBe(false);
    expect(holds('selection or keywords', ['keywords'])).toBe(true);
    expect(holds('selection and not keywords', ['selection'])).toBe(true);
    expect(holds('selection and not keywords', ['selection', 'keywords'])).toBe(false);
  });

  it('binds and tighter than or, not tighter than and, and honours parentheses', () => {
    // a or (b and c)
    expect(holds('selection or keywords and filter_optional', ['selection'])).toBe(true);
    expect(holds('(selection or keywords) and filter_optional', ['selection'])).toBe(false);
    // (not a) and b
    expect(holds('not selection and keywords', ['keywords'])).toBe(true);
    expect(holds('not (selection and keywords)', ['keywords'])).toBe(true);
    expect(holds('not not selection', ['selection'])).toBe(true);
  });

  it('reads 1 of / all of a wildcard pattern, and binds them tighter than not', () => {
    expect(holds('1 of selection_*', ['selection_cli'])).toBe(true);
    expect(holds('all of selection_*', ['selection_cli'])).toBe(false);
    expect(holds('all of selection_*', ['selection_cli', 'selection_img'])).toBe(true);
    // selection* also covers "selection" itself
    expect(holds('all of selection*', ['selection_cli', 'selection_img'])).toBe(false);
    expect(holds('selection and not 1 of filter_main_*', ['selection'])).toBe(true);
    expect(holds('selection and not 1 of filter_main_*', ['selection', 'filter_main_b'])).toBe(false);
    expect(holds('1 of *_main_*', ['filter_main_a'])).toBe(true);
  });

  it('reads 1 of them / all of them without the identifiers that start with an underscore', () => {
    const all = IDS.filter((id) => !id.startsWith('_'));
    expect(holds('all of them', all)).toBe(true);
    expect(holds('1 of them', ['_hidden'])).toBe(false);
  });

  it('accepts the operators in any case', () => {
    expect(holds('selection AND NOT keywords', ['selection'])).toBe(true);
    expect(holds('1 OF selection_* Or keywords', ['keywords'])).toBe(true);
  });

  it('refuses malformed conditions (SIGMA_INVALID_CONDITION)', () => {
    for (const condition of [
      '',
      'selection and',
      '(selection',
      'selection)',
      'unknown_id',
      'selection keywords',
      '1 of nothing*',
      'any of selection*',
      'and selection',
    ]) {
      expect(refusal(condition).code).toBe('SIGMA_INVALID_CONDITION');
    }
  });

  it('refuses by name what Sigma 1 had and this evaluator does not do (SIGMA_UNSUPPORTED)', () => {
    const aggregation = refusal('selection | count() by Computer > 10');
    expect(aggregation.code).toBe('SIGMA_UNSUPPORTED');
    expect(aggregation.feature).toContain('aggregation');
    expect(refusal('selection near keywords').code).toBe('SIGMA_UNSUPPORTED');
    expect(refusal('2 of selection_*').code).toBe('SIGMA_UNSUPPORTED');
  });
});
