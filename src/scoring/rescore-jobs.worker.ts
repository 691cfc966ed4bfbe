import { heavyJobHandler } from '../heavy-jobs/heavy-job-worker.js';
import scoreExercise from './score-exercise.worker.js';

/** Entry of a re-scoring in a heavy-job worker thread: the same reading and scoring as the scoring workers. */
export default heavyJobHandler(scoreExercise);
