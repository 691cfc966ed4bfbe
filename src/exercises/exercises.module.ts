import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExerciseLogModule } from '../exercise-log/exercise-log.module.js';
import { ScenariosModule } from '../scenarios/scenarios.module.js';
import { AlertRefService } from './alert-ref.service.js';
import { ExerciseBus } from './exercise-bus.js';
import { ExerciseEntity, ExerciseMemberEntity, ExerciseTeamEntity, ExerciseTransitionEntity } from './exercise.entity.js';
import { ExerciseRuntime } from './exercise-runtime.service.js';
import { ExerciseBriefingController } from './exercise-briefing.controller.js';
import { ExercisesController } from './exercises.controller.js';
import { ExercisesService } from './exercises.service.js';
import { RosterService } from './roster.service.js';

@Module({
  imports: [ScenariosModule, ExerciseLogModule, TypeOrmModule.forFeature([ExerciseEntity, ExerciseTeamEntity, ExerciseMemberEntity, ExerciseTransitionEntity])],
  controllers: [ExercisesController, ExerciseBriefingController],
  providers: [ExerciseBus, ExerciseRuntime, ExercisesService, AlertRefService, RosterService],
  exports: [ExerciseBus, ExerciseRuntime, ExercisesService, AlertRefService, RosterService, ExerciseLogModule],
})
export class ExercisesModule {}
