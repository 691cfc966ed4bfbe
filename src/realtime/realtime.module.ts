import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ExercisesModule } from '../exercises/exercises.module.js';
import { ScoringModule } from '../scoring/scoring.module.js';
import { TriageModule } from '../triage/triage.module.js';
import { ExerciseJoins } from './exercise-joins.js';
import { ExercisePublisher } from './exercise-publisher.js';
import { ExercisesGateway } from './exercises.gateway.js';

@Module({
  imports: [AuthModule, ExercisesModule, TriageModule, ScoringModule],
  providers: [ExercisesGateway, ExerciseJoins, ExercisePublisher],
  exports: [ExercisesGateway],
})
export class RealtimeModule {}
