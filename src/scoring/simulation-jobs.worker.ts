import { heavyJobHandler } from '../heavy-jobs/heavy-job-worker.js';
import { runSimulateJob } from './simulation-jobs.js';

/** Entry of the simulations in a heavy-job worker thread (see heavy-jobs.service.ts). */
export default heavyJobHandler(runSimulateJob);
