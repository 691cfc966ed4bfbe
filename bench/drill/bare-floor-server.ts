/**
 * The drill benchmark's floor: a bare node:http server doing what an action costs at the least —
 * parse the JSON body, one SQLite insert (better-sqlite3, WAL, synchronous = NORMAL, as the
 * application's database), answer an ack. No auth, no rules, no bus. Child process; IPC reports
 * the port and, at the end, the rows it holds.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type FloorIn = { readonly type: 'rows' };
export type FloorOut = { readonly type: 'listening'; readonly port: number } | { readonly type: 'rows'; readonly rows: number };

const dir = mkdtempSync(join(tmpdir(), 'soc-drill-bench-floor-'));
const db = new Database(join(dir, 'floor.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE actions (seq INTEGER PRIMARY KEY, action_id TEXT NOT NULL, type TEXT NOT NULL, wall_ms INTEGER NOT NULL, payload TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO actions (action_id, type, wall_ms, payload) VALUES (?, ?, ?, ?)');

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (text += chunk));
  req.on('end', () => {
    const body = JSON.parse(text) as { actionId: string; type: string };
    const { lastInsertRowid } = insert.run(body.actionId, body.type, Date.now(), text);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ actionId: body.actionId, seq: Number(lastInsertRowid), virtualMs: 0, applied: true }));
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send?.({ type: 'listening', port } satisfies FloorOut);
});

process.on('message', () => {
  const { rows } = db.prepare('SELECT COUNT(*) AS rows FROM actions').get() as { rows: number };
  process.send?.({ type: 'rows', rows } satisfies FloorOut);
});

const stop = (): void => {
  server.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
