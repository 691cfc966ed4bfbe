import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HeavyJobsModule } from '../heavy-jobs/heavy-jobs.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { BundledScenariosLoader } from './bundled-scenarios.loader.js';
import { RulesRegistryService } from './rules-registry.service.js';
import { ScenarioCatalogueService } from './scenario-catalogue.service.js';
import { ScenarioVersionEntity } from './scenario-version.entity.js';
import { ScenarioImportService } from './scenario-import.service.js';
import { ScenariosController } from './scenarios.controller.js';

@Module({
  // IdentityModule for the organisations' repository (a publisher's name).
  imports: [HeavyJobsModule, IdentityModule, TypeOrmModule.forFeature([ScenarioVersionEntity])],
  controllers: [ScenariosController],
  providers: [ScenarioCatalogueService, BundledScenariosLoader, ScenarioImportService, RulesRegistryService],
  exports: [ScenarioCatalogueService],
})
export class ScenariosModule {}
