import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HeavyJobsModule } from '../heavy-jobs/heavy-jobs.module.js';
import { ExercisesModule } from '../exercises/exercises.module.js';
import { ScenariosModule } from '../scenarios/scenarios.module.js';
import { ScoringController } from './scoring.controller.js';
import { ExerciseScoreEntity, ScoreAdjustmentEntity, ScoreboardStateEntity } from './scoring.entity.js';
import { ScoringService } from './scoring.service.js';
import { SimulationController } from './simulation.controller.js';

@Module({
  imports: [ExercisesModule, ScenariosModule, HeavyJobsModule, TypeOrmModule.forFeature([ExerciseScoreEntity, ScoreAdjustmentEntity, ScoreboardStateEntity])],
  controllers: [ScoringController, SimulationController],
  providers: [ScoringService],
  exports: [ScoringService],
})
export class ScoringModule {}
