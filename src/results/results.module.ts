import { Module } from '@nestjs/common';
import { ExercisesModule } from '../exercises/exercises.module.js';
import { HeavyJobsModule } from '../heavy-jobs/heavy-jobs.module.js';
import { ScenariosModule } from '../scenarios/scenarios.module.js';
import { ScoringModule } from '../scoring/scoring.module.js';
import { ReportRenderer } from './report-renderer.service.js';
import { ResultsReportsService } from './results-reports.service.js';
import { ResultsController } from './results.controller.js';
import { ResultsService } from './results.service.js';

/** Read-only results, exports and printed reports for reviewers (see docs in ResultsService). */
@Module({
  imports: [ScenariosModule, ExercisesModule, ScoringModule, HeavyJobsModule],
  controllers: [ResultsController],
  providers: [ResultsService, ResultsReportsService, ReportRenderer],
})
export class ResultsModule {}
