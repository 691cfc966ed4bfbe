import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import type { Language } from '../contracts/common.schema.js';
import type { ResultsPeriodQuery, UnitRef } from '../contracts/results.schema.js';
import { consoleReviewLink, unitTrends } from './results-aggregate.js';
import { exerciseReportHtml, periodReportHtml } from './report-html.js';
import { ReportRenderer, reportFontFaces } from './report-renderer.service.js';
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
  ) {}

  async exerciseReportHtml(user: AuthenticatedUser, exerciseId: string, lang: Language, place: ReportPlace): Promise<string> {
    const scored = await this.results.scored(user, exerciseId, 'full');
    const units = new Map<string, UnitRef>();
    for (const team of scored.bundle.teams) if (team.unit) units.set(team.unit.id, team.unit);
    // The trend shows the participating units up to this exercise (it is included once finished).
    const history = await this.results.period(user, { to: scored.bundle.heldAt }, 'totals');
    return exerciseReportHtml({
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
      reviewLink: (exercise, team) => consoleReviewLink(place.origin, exercise, team),
      timeZone: place.timeZone,
      fontFaces: reportFontFaces(),
    });
  }

  async periodReportHtml(user: AuthenticatedUser, period: ResultsPeriodQuery, lang: Language, place: ReportPlace): Promise<string> {
    const { org, scored } = await this.results.period(user, period, 'full');
    const trends = unitTrends(
      [...org.units.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi')),
      trendInputs(scored),
    ).filter((t) => t.points.length > 0);
    return periodReportHtml({
      lang,
      orgName: org.orgName,
      generatedAt: new Date().toISOString(),
      from: period.from ?? null,
      to: period.to ?? null,
      exercises: scored.map((s) => s.results),
      trends,
      weaknesses: weaknessesOf(scored, 'unit'),
      timeZone: place.timeZone,
      fontFaces: reportFontFaces(),
    });
  }

  async exerciseReportPdf(user: AuthenticatedUser, exerciseId: string, lang: Language, place: ReportPlace): Promise<Buffer> {
    const html = await this.exerciseReportHtml(user, exerciseId, lang, place);
    return this.renderer.pdf(html);
  }

  async periodReportPdf(user: AuthenticatedUser, period: ResultsPeriodQuery, lang: Language, place: ReportPlace): Promise<Buffer> {
    const html = await this.periodReportHtml(user, period, lang, place);
    return this.renderer.pdf(html);
  }
}
