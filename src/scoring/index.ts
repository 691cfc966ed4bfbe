export * from './answer-key.js';
export * from './score.js';
export * from './score-team.js';
export * from './solver.js';
