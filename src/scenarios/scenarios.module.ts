import { Module } from '@nestjs/common';
import { HeavyJobsModule } from '../heavy-jobs/heavy-jobs.module.js';
import { BundledScenariosLoader } from './bundled-scenarios.loader.js';
import { ScenarioCatalogueService } from './scenario-catalogue.service.js';
import { ScenariosController } from './scenarios.controller.js';

@Module({
  imports: [HeavyJobsModule],
  controllers: [ScenariosController],
  providers: [ScenarioCatalogueService, BundledScenariosLoader],
  exports: [ScenarioCatalogueService],
})
export class ScenariosModule {}
