import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExercisesModule } from '../exercises/exercises.module.js';
import { ScenariosModule } from '../scenarios/scenarios.module.js';
import { TriageModule } from '../triage/triage.module.js';
import { LogSearchController } from './log-search.controller.js';
import { LogSearchService } from './log-search.service.js';
import { SavedLogQueryEntity } from './saved-log-query.entity.js';

/** The raw-event corpus of running exercises and its search (Tra cứu nhật ký), pivots and saved searches. */
@Module({
  imports: [TypeOrmModule.forFeature([SavedLogQueryEntity]), ExercisesModule, ScenariosModule, TriageModule],
  controllers: [LogSearchController],
  providers: [LogSearchService],
  exports: [LogSearchService],
})
export class LogSearchModule {}
