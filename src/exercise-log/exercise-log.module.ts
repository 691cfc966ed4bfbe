import { Module } from '@nestjs/common';
import { ExerciseLogRepository } from './exercise-log.repository.js';

/** The exercise log's one owner: every read and write of `exercise_journal` and `exercise_events`. */
@Module({
  providers: [ExerciseLogRepository],
  exports: [ExerciseLogRepository],
})
export class ExerciseLogModule {}
