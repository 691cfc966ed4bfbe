import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExerciseLogModule } from '../exercise-log/exercise-log.module.js';
import { ScenariosModule } from '../scenarios/scenarios.module.js';
import { AlertRefService } from './alert-ref.service.js';
import { ExerciseBus } from './exercise-bus.js';
import {
  ExerciseEntity,
  ExerciseMemberEntity,
  ExerciseTeamEntity,
  ExerciseTransitionEntity,
  PracticeHintTakenEntity,
  PracticeOpeningEntity,
} from './exercise.entity.js';
import { ExerciseRuntime } from './exercise-runtime.service.js';
import { ExerciseBriefingController } from './exercise-briefing.controller.js';
import { ExercisesController } from './exercises.controller.js';
import { ExercisesService } from './exercises.service.js';
import { PracticeController } from './practice.controller.js';
import { PracticeService } from './practice.service.js';
import { RosterService } from './roster.service.js';

@Module({
  imports: [
    ScenariosModule,
    ExerciseLogModule,
    TypeOrmModule.forFeature([
      ExerciseEntity,
      ExerciseTeamEntity,
      ExerciseMemberEntity,
      ExerciseTransitionEntity,
      PracticeOpeningEntity,
      PracticeHintTakenEntity,
    ]),
  ],
  controllers: [ExercisesController, ExerciseBriefingController, PracticeController],
  providers: [ExerciseBus, ExerciseRuntime, ExercisesService, AlertRefService, RosterService, PracticeService],
  exports: [ExerciseBus, ExerciseRuntime, ExercisesService, AlertRefService, RosterService, PracticeService, ExerciseLogModule],
})
export class ExercisesModule {}
