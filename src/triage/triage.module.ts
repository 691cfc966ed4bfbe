import { Module } from '@nestjs/common';
import { ExercisesModule } from '../exercises/exercises.module.js';
import { ScenariosModule } from '../scenarios/scenarios.module.js';
import { TriageController } from './triage.controller.js';
import { TriageService } from './triage.service.js';

@Module({
  imports: [ExercisesModule, ScenariosModule],
  controllers: [TriageController],
  providers: [TriageService],
  exports: [TriageService],
})
export class TriageModule {}
