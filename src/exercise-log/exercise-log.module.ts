import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExerciseEventEntity, ExerciseJournalEntity } from './exercise-log.entity.js';
import { ExerciseLogRepository } from './exercise-log.repository.js';

/** The exercise log's one owner: every read and write of `exercise_journal` and `exercise_events`. */
@Module({
  imports: [TypeOrmModule.forFeature([ExerciseJournalEntity, ExerciseEventEntity])],
  providers: [ExerciseLogRepository],
  exports: [ExerciseLogRepository],
})
export class ExerciseLogModule {}
