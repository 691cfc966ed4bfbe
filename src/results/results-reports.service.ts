import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import type { Language } from '../contracts/common.schema.js';
import type { ResultsPeriodQuery, UnitRef } from '../contracts/results.schema.js';
import { HeavyJobsService } from '../heavy-jobs/heavy-jobs.service.js';
import { unitTrends } from './results-aggregate.js';
import { PRINT_JOB, type ReportJob } from './report-jobs.js';
import { ReportRenderer } from './report-renderer.service.js';
import { ResultsService, trendInputs, weaknessesOf } from './results.service.js';

/** Where readers open the console, and the organisation's time zone. */
export interface ReportPlace {
  readonly origin: string;
  readonly timeZone: string;
}

/** Builds the printed reports from the same views the API serves, then prints them. */
@Injectable()
export class ResultsReportsService {
  constructor(
    @Inject(ResultsService) private readonly results: ResultsService,
    @Inject(ReportRenderer) private readonly renderer: ReportRenderer,
    @Inject(HeavyJobsService) private readonly heavyJobs: HeavyJobsService,
  ) {}

  private async exerciseReportJob(user: AuthenticatedUser, exerciseId: string, lang: Language, place: ReportPlace): Promise<ReportJob> {
    const scored = await this.results.scored(user, exerciseId, 'full');
    const units = new Map<string, UnitRef>();
    for (const team of scored.bundle.teams) if (team.unit) units.set(team.unit.id, team.unit);
    // The trend shows the participating units up to this exercise (it is included once finished).
    const history = await this.results.period(user, { to: scored.bundle.heldAt }, 'totals');
    return {
      report: 'exercise',
      origin: place.origin,
      model: {
        lang,
        orgName: scored.org.orgName,
        generatedAt: new Date().toISOString(),
        results: scored.results,
        weaknesses: weaknessesOf([scored], 'team', true),
        trends: unitTrends(
          [...units.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi')),
          trendInputs(history.scored),
        ),
        fullScores: new Map(scored.scores.teams.map((t) => [t.teamId, t.score])),
        scenario: scored.bundle.scenario,
        timeZone: place.timeZone,
      },
    };
  }

  private async periodReportJob(user: AuthenticatedUser, period: ResultsPeriodQuery, lang: Language, place: ReportPlace): Promise<ReportJob> {
    const { org, scored } = await this.results.period(user, period, 'full');
    const practiceRuns = (await this.results.bundles(org, period, null)).filter((b) => b.row.kind === 'practice' && b.row.status !== 'draft').length;
    const trends = unitTrends(
      [...org.units.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi')),
      trendInputs(scored),
    ).filter((t) => t.points.length > 0);
    return {
      report: 'period',
      model: {
        lang,
        orgName: org.orgName,
        generatedAt: new Date().toISOString(),
        from: period.from ?? null,
        to: period.to ?? null,
        exercises: scored.map((s) => s.results),
        trends,
        weaknesses: weaknessesOf(scored, 'unit'),
        practiceRuns,
        timeZone: place.timeZone,
      },
    };
  }

  exerciseReportPdf(user: AuthenticatedUser, exerciseId: string, lang: Language, place: ReportPlace): Promise<Buffer> {
    return this.print(user, () => this.exerciseReportJob(user, exerciseId, lang, place));
  }

  periodReportPdf(user: AuthenticatedUser, period: ResultsPeriodQuery, lang: Language, place: ReportPlace): Promise<Buffer> {
    return this.print(user, () => this.periodReportJob(user, period, lang, place));
  }

  /**
   * One print: within the user's and everyone's print limits (RATE_LIMITED), the page built in a
   * heavy-job worker, the whole within the time limit (JOB_TIMEOUT, and Chromium stops printing it).
   */
  private print(user: AuthenticatedUser, makeJob: () => Promise<ReportJob>): Promise<Buffer> {
    // Checked first: a missing browser answers REPORT_RENDERER_UNAVAILABLE before anything is read or built.
    this.renderer.requireAvailable();
    return this.heavyJobs.withinLimits(user.id, PRINT_JOB, () =>
      this.heavyJobs.withinTime(user.id, PRINT_JOB, async (signal) => {
        const html = await this.heavyJobs.runJob<ReportJob, string>(user.id, PRINT_JOB, await makeJob(), signal);
        return this.renderer.pdf(html, signal);
      }),
    );
  }
}
