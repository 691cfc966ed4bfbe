import { heavyJobHandler } from '../heavy-jobs/heavy-job-worker.js';
import { runParseJob } from './scenario-jobs.js';

/** Entry of the scenario jobs in a heavy-job worker thread (see heavy-jobs.service.ts). */
export default heavyJobHandler(runParseJob);
