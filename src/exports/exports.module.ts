import { Module } from '@nestjs/common';
import { ExercisesModule } from '../exercises/exercises.module.js';
import { ScenariosModule } from '../scenarios/scenarios.module.js';
import { TriageModule } from '../triage/triage.module.js';
import { ExportsController } from './exports.controller.js';
import { ExportsService } from './exports.service.js';

/** STIX 2.1, OCSF and ECS exports of a team's work and of a scenario's answer key. */
@Module({
  imports: [ExercisesModule, ScenariosModule, TriageModule],
  controllers: [ExportsController],
  providers: [ExportsService],
})
export class ExportsModule {}
