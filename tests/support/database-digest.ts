import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** A hash of every row of every table: equal digests mean a request changed nothing in the database. */
export async function databaseDigest(dataSource: DataSource): Promise<string> {
  const hash = createHash('sha256');
  const tables = (await dataSource.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) as Array<{
    name: string;
  }>;
  for (const { name } of tables) {
    const rows = (await dataSource.query(`SELECT * FROM "${name}" ORDER BY rowid`)) as unknown[];
    hash.update(`${name}:${rows.length}:${JSON.stringify(rows)}\n`);
  }
  return hash.digest('hex');
}
