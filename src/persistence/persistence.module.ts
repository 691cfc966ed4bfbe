import {
  Global,
  Inject,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AddressInfo, Server } from 'node:net';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DataFolderLock } from './data-folder-lock.js';
import { buildDataSourceOptions, dataFolderOf, initializeAndMigrate } from './data-source.js';
import { type PragmaConnection, WalCheckpointer } from './wal-checkpointer.js';

/** The embedded mode's data-folder lock of each open data source (none for PostgreSQL and in-memory databases). */
const dataFolderLocks = new WeakMap<DataSource, DataFolderLock>();

/**
 * Takes the data-folder lock before the database is opened (a second server must not even run the
 * migrations), then opens the database and migrates it; a failed start gives the folder back.
 */
async function openLockedDatabase(options: DataSourceOptions): Promise<DataSource> {
  const folder = dataFolderOf(options);
  const lock = folder === null ? null : await DataFolderLock.acquire(folder);
  try {
    const dataSource = await initializeAndMigrate(options);
    if (lock !== null) dataFolderLocks.set(dataSource, lock);
    new Logger('Persistence').log(`Database ready (${dataSource.options.type}), migrations applied`);
    return dataSource;
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/**
 * The one data source of the server (TypeORM through @nestjs/typeorm). Each feature module registers
 * its own entities with `TypeOrmModule.forFeature`, so this module imports no feature.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config),
        autoLoadEntities: true,
        // A database that cannot be opened or migrated (or a locked folder) fails the start at once.
        toRetry: () => false,
      }),
      dataSourceFactory: async (options) => {
        if (options === undefined) throw new Error('TypeOrmModule gave no data source options');
        return openLockedDatabase(options);
      },
    }),
  ],
})
export class PersistenceModule implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(PersistenceModule.name);
  private checkpointer: WalCheckpointer | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
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
    const lock = dataFolderLocks.get(this.dataSource);
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (lock === undefined || server === undefined) return;
    server.once('listening', () => {
      const address = server.address() as AddressInfo | string | null;
      if (address === null) return;
      lock.noteListening(
        typeof address === 'string' ? address : address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`,
      );
    });
  }

  /** Before any module's shutdown hook: the checkpointer stops while the database is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.checkpointer?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    // TypeOrmModule closes the data source too; whichever runs first does it, and the folder is given back after.
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    dataFolderLocks.get(this.dataSource)?.release();
  }
}
