import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { RulesRegistry } from './rule-packs.js';
import { loadRulesFolders } from './rules-files.js';

/** The eras and reporting rule packs (RULES_DIR, then RULES_EXTRA_DIR), checked before the server listens. */
@Injectable()
export class RulesRegistryService implements OnModuleInit {
  private readonly logger = new Logger(RulesRegistryService.name);
  private loaded: RulesRegistry | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    const folders = [this.config.RULES_DIR, ...(this.config.RULES_EXTRA_DIR === undefined ? [] : [this.config.RULES_EXTRA_DIR])];
    this.loaded = loadRulesFolders(folders);
    this.logger.log(
      `rules: eras ${this.loaded.eras.map((e) => e.id).join(', ')}; packs ${this.loaded.packs.map((p) => `${p.id} ${p.version}`).join(', ')} (from ${folders.join(', ')})`,
    );
  }

  get registry(): RulesRegistry {
    if (this.loaded === null) throw new Error('rules are not loaded yet');
    return this.loaded;
  }
}
