import { Global, Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { openDatabase } from './data-source.js';
import { type PragmaConnection, WalCheckpointer } from './wal-checkpointer.js';

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const dataSource = await openDatabase(config);
        new Logger('Persistence').log(`Database ready (${dataSource.options.type}), migrations applied`);
        return dataSource;
      },
    },
  ],
  exports: [DataSource],
})
export class PersistenceModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PersistenceModule.name);
  private checkpointer: WalCheckpointer | null = null;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    // The embedded SQLite file checkpoints its WAL on a thread of its own (see wal-checkpointer.ts).
    const options = this.dataSource.options as { readonly type: string; readonly database?: unknown };
    const connection = (this.dataSource.driver as { databaseConnection?: PragmaConnection }).databaseConnection;
    if (options.type !== 'better-sqlite3' || typeof options.database !== 'string' || options.database === ':memory:' || connection === undefined) return;
    this.checkpointer = new WalCheckpointer(connection, options.database, this.logger);
    this.checkpointer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
