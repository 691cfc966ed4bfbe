import { workerEntry, type HeavyJobKind } from '../heavy-jobs/heavy-jobs.service.js';
import { exerciseReportHtml, periodReportHtml, type ExerciseReportModel, type PeriodReportModel } from './report-html.js';
import { reportFontFaces } from './report-fonts.js';
import { consoleReviewLink } from './results-aggregate.js';

/** A printed report's page, built in a heavy-job worker from the views the API serves (plain data: links and fonts are added there). */
export type ReportJob =
  | { readonly report: 'exercise'; readonly origin: string; readonly model: Omit<ExerciseReportModel, 'reviewLink' | 'fontFaces'> }
  | { readonly report: 'period'; readonly model: Omit<PeriodReportModel, 'fontFaces'> };

/** Reports printed at once by Chromium (report-renderer.service.ts); in flight from all users, the ones waiting for it included. */
export const PRINTS_IN_FLIGHT = 4;

/**
 * Printing a PDF report: one at a time per user, at most PRINTS_IN_FLIGHT for everyone (RATE_LIMITED
 * beyond), the whole print within the heavy-job time limit. Its page is built in a heavy-job worker
 * (report-jobs.worker.ts) within the memory limit; Chromium, a process of its own, prints it.
 */
export const PRINT_JOB: HeavyJobKind = {
  name: 'print',
  entry: workerEntry(import.meta.url, 'report-jobs.worker'),
  perUser: 1,
  total: PRINTS_IN_FLIGHT,
  label: 'report printing',
};

/** What a worker does with a report job: the same HTML the server would build. */
export function runReportJob(job: ReportJob): string {
  switch (job.report) {
    case 'exercise':
      return exerciseReportHtml({
        ...job.model,
        reviewLink: (exerciseId, teamId) => consoleReviewLink(job.origin, exerciseId, teamId),
        fontFaces: reportFontFaces(),
      });
    case 'period':
      return periodReportHtml({ ...job.model, fontFaces: reportFontFaces() });
    default: {
      const unknown: never = job;
      throw new Error(`unknown report job ${JSON.stringify(unknown)}`);
    }
  }
}
