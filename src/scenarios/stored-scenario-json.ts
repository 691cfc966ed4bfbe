import Database from 'better-sqlite3';

/** Where a worker thread reads a stored version's normalised JSON itself: the server's SQLite file and the version id. */
export interface StoredScenarioRef {
  readonly databaseFile: string;
  readonly versionId: string;
}

const connections = new Map<string, Database.Database>();

/**
 * A stored version's normalised JSON as bytes, read in the calling (worker) thread over its own
 * read-only connection, so megabytes of scenario never pass through the server's event loop.
 */
export function readStoredScenarioJson(ref: StoredScenarioRef): Uint8Array {
  let db = connections.get(ref.databaseFile);
  if (db === undefined) {
    // Read-only on the server's WAL file: it reads the last commit and never blocks a writer.
    db = new Database(ref.databaseFile, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    connections.set(ref.databaseFile, db);
  }
  const row = db.prepare('SELECT CAST(normalized_json AS BLOB) AS json FROM scenario_versions WHERE id = ?').get(ref.versionId) as { json: Uint8Array } | undefined;
  if (row === undefined) throw new Error(`no scenario version ${ref.versionId}`);
  return row.json;
}
