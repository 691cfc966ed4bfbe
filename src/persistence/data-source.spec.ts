import { buildDataSourceOptions, databaseKind, driverPlaceholders } from './data-source.js';

describe('data source', () => {
  it('numbers the placeholders of raw SQL for PostgreSQL and leaves them to SQLite', () => {
    const text = 'SELECT a FROM t WHERE x = ? AND y IN (?, ?) LIMIT ?';
    expect(driverPlaceholders('postgres', text)).toBe('SELECT a FROM t WHERE x = $1 AND y IN ($2, $3) LIMIT $4');
    expect(driverPlaceholders('better-sqlite3', text)).toBe(text);
  });

  it('opens PostgreSQL for postgres:// and postgresql:// URLs, the embedded file for sqlite:', () => {
    expect(databaseKind('postgres://u@db/soc')).toBe('postgres');
    expect(databaseKind('postgresql://u@db/soc')).toBe('postgres');
    expect(databaseKind('sqlite::memory:')).toBe('sqlite');
    expect(buildDataSourceOptions({ databaseUrl: 'postgresql://u@db/soc' })).toMatchObject({
      type: 'postgres',
      url: 'postgresql://u@db/soc',
      synchronize: false,
    });
    expect(buildDataSourceOptions({ databaseUrl: 'sqlite::memory:' })).toMatchObject({ type: 'better-sqlite3', database: ':memory:' });
  });
});
