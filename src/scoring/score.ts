/**
 * The pure 1,000-point scorer (docs/scoring.md): one file per component in `scorer/`, assembled by
 * `computeScore`. This file is the scorer's public face for the rest of the server.
 */
export { computeScore, redistribute } from './scorer/compute-score.js';
export { at, round2, span } from './scorer/score-helpers.js';
export type { ScoreInput, ScoringAction, ScoringDeliveredEvent } from './scorer/score-types.js';
export { SCORING_RULES } from './scorer/scoring-rules.js';
