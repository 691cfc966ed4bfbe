import { heavyJobHandler } from '../heavy-jobs/heavy-job-worker.js';
import { runReportJob } from './report-jobs.js';

/** Entry of the report pages in a heavy-job worker thread (see heavy-jobs.service.ts). */
export default heavyJobHandler(runReportJob);
