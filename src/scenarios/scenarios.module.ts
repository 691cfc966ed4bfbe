import { Module } from '@nestjs/common';
import { BundledScenariosLoader } from './bundled-scenarios.loader.js';
import { ScenarioCatalogueService } from './scenario-catalogue.service.js';
import { ScenariosController } from './scenarios.controller.js';

@Module({
  controllers: [ScenariosController],
  providers: [ScenarioCatalogueService, BundledScenariosLoader],
  exports: [ScenarioCatalogueService],
})
export class ScenariosModule {}
