import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HeavyJobsModule } from '../heavy-jobs/heavy-jobs.module.js';
import { ExercisesModule } from '../exercises/exercises.module.js';
import { ScenariosModule } from '../scenarios/scenarios.module.js';
import { TriageModule } from '../triage/triage.module.js';
import { ScoringController } from './scoring.controller.js';
import { ExerciseScoresService } from './exercise-scores.service.js';
import { LiveScoreboardService } from './live-scoreboard.service.js';
import { ScoreCalculator } from './score-calculator.service.js';
import { ScoreCorrectionsService } from './score-corrections.service.js';
import { ScoreReadsService } from './score-reads.service.js';
import { ReportGradesService } from './report-grades.service.js';
import { ExerciseScoreEntity, ReportGradeEntity, ScoreAdjustmentEntity, ScoreboardStateEntity } from './scoring.entity.js';
import { ScoringWorkers } from './scoring-workers.service.js';
import { SimulationController } from './simulation.controller.js';

@Module({
  imports: [
    ExercisesModule,
    ScenariosModule,
    TriageModule,
    HeavyJobsModule,
    TypeOrmModule.forFeature([ExerciseScoreEntity, ScoreAdjustmentEntity, ScoreboardStateEntity, ReportGradeEntity]),
  ],
  controllers: [ScoringController, SimulationController],
  providers: [ScoringWorkers, ScoreCalculator, ExerciseScoresService, LiveScoreboardService, ScoreCorrectionsService, ScoreReadsService, ReportGradesService],
  exports: [ScoreCalculator, ExerciseScoresService],
})
export class ScoringModule {}
