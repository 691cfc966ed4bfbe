/**
 * Stable codes for everything the Sigma evaluator refuses. `SIGMA_UNSUPPORTED` always names the
 * feature (in `feature`), so a rule is never half-evaluated with a part silently ignored.
 */
export const SIGMA_ERROR_CODES = [
  /** The file is not YAML, or not one YAML document. */
  'SIGMA_SYNTAX',
  /** The rule does not validate against the Sigma rule schema. */
  'SIGMA_INVALID_RULE',
  /** A valid Sigma feature this evaluator does not implement (named in `feature`). */
  'SIGMA_UNSUPPORTED',
  /** A modifier name that the Sigma specification does not define. */
  'SIGMA_UNKNOWN_MODIFIER',
  /** Modifiers that contradict each other or the value they are given (e.g. `re|contains`, `cidr: 5`). */
  'SIGMA_INVALID_MODIFIER',
  /** A `re` value that is not a regular expression. */
  'SIGMA_INVALID_REGEX',
  /** A condition that does not parse, or names a search identifier the detection does not define. */
  'SIGMA_INVALID_CONDITION',
  /** A search identifier whose value is neither a map, a list of maps nor a list of keywords. */
  'SIGMA_INVALID_DETECTION',
  /** A rule file or folder that does not exist. */
  'SIGMA_NOT_FOUND',
  /** An events file line that is not a JSON object. */
  'SIGMA_EVENT_INVALID',
] as const;
export type SigmaErrorCode = (typeof SIGMA_ERROR_CODES)[number];

export class SigmaError extends Error {
  constructor(
    readonly code: SigmaErrorCode,
    message: string,
    /** For SIGMA_UNSUPPORTED: the feature, e.g. `modifier fieldref`, `correlation rules`. */
    readonly feature?: string,
  ) {
    super(message);
    this.name = 'SigmaError';
  }
}

export function unsupported(feature: string, why = 'is not supported by this evaluator'): SigmaError {
  return new SigmaError('SIGMA_UNSUPPORTED', `${feature} ${why}`, feature);
}
