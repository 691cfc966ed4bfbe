import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScenariosModule } from '../scenarios/scenarios.module.js';
import { AlertRefService } from './alert-ref.service.js';
import { ExerciseBus } from './exercise-bus.js';
import {
  ExerciseEntity,
  ExerciseEventEntity,
  ExerciseJournalEntity,
  ExerciseMemberEntity,
  ExerciseTeamEntity,
  ExerciseTransitionEntity,
} from './exercise.entity.js';
import { ExerciseRuntime } from './exercise-runtime.service.js';
import { ExerciseBriefingController } from './exercise-briefing.controller.js';
import { ExercisesController } from './exercises.controller.js';
import { ExercisesService } from './exercises.service.js';

@Module({
  imports: [
    ScenariosModule,
    TypeOrmModule.forFeature([ExerciseEntity, ExerciseTeamEntity, ExerciseMemberEntity, ExerciseTransitionEntity, ExerciseEventEntity, ExerciseJournalEntity]),
  ],
  controllers: [ExercisesController, ExerciseBriefingController],
  providers: [ExerciseBus, ExerciseRuntime, ExercisesService, AlertRefService],
  exports: [ExerciseBus, ExerciseRuntime, ExercisesService, AlertRefService],
})
export class ExercisesModule {}
