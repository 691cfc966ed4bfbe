import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ScenarioCatalogueService } from './scenario-catalogue.service.js';

@Injectable()
export class BundledScenariosLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger(BundledScenariosLoader.name);

  constructor(
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.LOAD_BUNDLED_SCENARIOS) return;
    const count = await this.catalogue.loadBundled(this.config.SCENARIOS_DIR);
    this.logger.log(`${count} bundled scenario(s) available from ${this.config.SCENARIOS_DIR}`);
  }
}
