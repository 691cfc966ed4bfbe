import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { MIGRATIONS } from './migrations/index.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export function databaseKind(url: string): DatabaseKind {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

/**
 * Raw SQL written with SQLite's `?` placeholders, as the driver wants it: PostgreSQL numbers them
 * ($1, $2, ...). The one place raw SQL is made portable; the texts never hold a literal `?`.
 */
export function driverPlaceholders(type: DataSourceOptions['type'], sql: string): string {
  if (type !== 'postgres') return sql;
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** What the WAL file is cut back to when it starts over (its usual size under load is a few MB). */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** The folder of the embedded SQLite file, which one server at a time may hold; null for PostgreSQL and `:memory:`. */
export function embeddedDataFolder(config: Pick<AppConfig, 'databaseUrl'>): string | null {
  if (databaseKind(config.databaseUrl) !== 'sqlite') return null;
  const file = config.databaseUrl.slice('sqlite:'.length);
  return file === ':memory:' ? null : dirname(resolve(file));
}

/**
 * The embedded default is one SQLite file in WAL mode; PostgreSQL is the scale-out mode.
 * Schema changes only ever happen through migrations, never `synchronize`. No entities here: the
 * server's feature modules register their own (TypeOrmModule.forFeature, autoLoadEntities), and the
 * migrations are plain SQL that needs none.
 */
export function buildDataSourceOptions(config: Pick<AppConfig, 'databaseUrl'>): DataSourceOptions {
  const url = config.databaseUrl;
  const common = {
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
  } as const;
  if (databaseKind(url) === 'sqlite') {
    const file = url.slice('sqlite:'.length);
    const database = file === ':memory:' ? ':memory:' : resolve(file);
    if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      enableWAL: database !== ':memory:',
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('foreign_keys = ON');
        db.pragma('synchronous = NORMAL');
        db.pragma('busy_timeout = 5000');
        // After a read held the checkpoints back, the WAL file would keep its largest size for good:
        // each time it starts over, SQLite cuts it back to this.
        db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      },
    };
  }
  return { ...common, type: 'postgres', url, poolSize: 10 };
}

/** Opens a data source and brings its schema up to date (the server, tests and tools share this). */
export async function initializeAndMigrate(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** A migrated database without entities, for tools and tests that use SQL (the server opens it through PersistenceModule). */
export function openDatabase(config: Pick<AppConfig, 'databaseUrl'>): Promise<DataSource> {
  return initializeAndMigrate(buildDataSourceOptions(config));
}

/** The folder of an embedded SQLite data source's file; null for PostgreSQL and `:memory:`. */
export function dataFolderOf(options: DataSourceOptions): string | null {
  return options.type === 'better-sqlite3' && typeof options.database === 'string' && options.database !== ':memory:' ? dirname(options.database) : null;
}
