import { Global, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo, Server } from 'node:net';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DataFolderLock } from './data-folder-lock.js';
import { embeddedDataFolder, openDatabase } from './data-source.js';
import { type PragmaConnection, WalCheckpointer } from './wal-checkpointer.js';

/** The embedded mode's data-folder lock (null for PostgreSQL and in-memory databases). */
const DATA_FOLDER_LOCK = Symbol('DATA_FOLDER_LOCK');

interface HeldLock {
  readonly lock: DataFolderLock | null;
}

@Global()
@Module({
  providers: [
    {
      provide: DATA_FOLDER_LOCK,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<HeldLock> => {
        const folder = embeddedDataFolder(config);
        return { lock: folder === null ? null : await DataFolderLock.acquire(folder) };
      },
    },
    {
      provide: DataSource,
      // Taken before the database is opened: a second server must not even run the migrations.
      inject: [APP_CONFIG, DATA_FOLDER_LOCK],
      useFactory: async (config: AppConfig, held: HeldLock) => {
        try {
          const dataSource = await openDatabase(config);
          new Logger('Persistence').log(`Database ready (${dataSource.options.type}), migrations applied`);
          return dataSource;
        } catch (error) {
          held.lock?.release();
          throw error;
        }
      },
    },
  ],
  exports: [DataSource],
})
export class PersistenceModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PersistenceModule.name);
  private checkpointer: WalCheckpointer | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DATA_FOLDER_LOCK) private readonly held: HeldLock,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    // The embedded SQLite file checkpoints its WAL on a thread of its own (see wal-checkpointer.ts).
    const options = this.dataSource.options as { readonly type: string; readonly database?: unknown };
    const connection = (this.dataSource.driver as { databaseConnection?: PragmaConnection }).databaseConnection;
    if (options.type !== 'better-sqlite3' || typeof options.database !== 'string' || options.database === ':memory:' || connection === undefined) return;
    this.checkpointer = new WalCheckpointer(connection, options.database, this.logger);
    this.checkpointer.start();
  }

  onApplicationBootstrap(): void {
    // The port is only known once the server listens (PORT=0 picks one); a second server names it.
    const lock = this.held.lock;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (lock === null || server === undefined) return;
    server.once('listening', () => {
      const address = server.address() as AddressInfo | string | null;
      if (address === null) return;
      lock.noteListening(typeof address === 'string' ? address : address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.held.lock?.release();
  }
}
