import { Module } from '@nestjs/common';
import { ExercisesModule } from '../exercises/exercises.module.js';
import { ScenariosModule } from '../scenarios/scenarios.module.js';
import { ScoringController } from './scoring.controller.js';
import { ScoringService } from './scoring.service.js';
import { SimulationController } from './simulation.controller.js';

@Module({
  imports: [ExercisesModule, ScenariosModule],
  controllers: [ScoringController, SimulationController],
  providers: [ScoringService],
  exports: [ScoringService],
})
export class ScoringModule {}
