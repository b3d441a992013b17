import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { SqliteChannel } from '../../../src/channels/sqlite/sqlite-channel.js';
import { MESSAGES_TABLE } from '../../../src/channels/sqlite/sqlite-schema.js';
import { createLogger } from '../../../src/logging/logger.js';

/** better-sqlite3, loaded the way the channel loads it. */
export const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

/**
 * Enqueues `raws` in the channel file at `path` behind the channel's back (bytes the
 * channel's API cannot send, such as invalid UTF-8), first received first.
 */
export async function insertRaw(path: string, raws: readonly Buffer[]): Promise<void> {
  // A channel creates the tables if this is the first use of the file.
  const channel = new SqliteChannel({ path }, createLogger({ level: 'silent' }));
  await channel.status();
  await channel.close();
  const db = new Database(path, { timeout: 5000 });
  try {
    const insert = db.prepare(`INSERT INTO ${MESSAGES_TABLE} (body) VALUES (?)`);
    db.transaction(() => raws.forEach((raw) => insert.run(raw))).immediate();
  } finally {
    db.close();
  }
}
