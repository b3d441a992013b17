import { existsSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { KadabraError } from '../../errors/kadabra-error.js';
import type { BetterSqlite3Module } from './load-better-sqlite3.js';
import { SCHEMA_VERSION } from './sqlite-schema.js';

/** A read-only command was pointed at a file that is not a Kadabra SQLite channel. */
export class SqliteChannelNotFoundError extends KadabraError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KADABRA_CHANNEL_NOT_FOUND', message, options);
  }
}

/**
 * Opens an existing channel file for reading only: never creates the file, its folder or
 * its tables (so a mistyped path in `kadabra status` is an error, not a new empty channel).
 *
 * @throws SqliteChannelNotFoundError naming the path when the file is missing or holds no
 *   Kadabra channel (an empty file, another database).
 */
export function openReadOnly(sqlite: BetterSqlite3Module, path: string, busyWaitMs: number): Database {
  const fix = 'check the path argument of AGENT_CHANNEL_ARGS (read-only commands never create a channel)';
  if (!existsSync(path)) throw new SqliteChannelNotFoundError(`no SQLite channel at ${path}: the file does not exist; ${fix}`);
  let db: Database;
  try {
    db = new sqlite(path, { readonly: true, fileMustExist: true, timeout: busyWaitMs });
  } catch (error) {
    throw new SqliteChannelNotFoundError(`cannot open the SQLite channel at ${path}: ${(error as Error).message}; ${fix}`, {
      cause: error,
    });
  }
  let version: number;
  try {
    version = Number(db.pragma('user_version', { simple: true }));
  } catch (error) {
    db.close();
    throw new SqliteChannelNotFoundError(`${path} is not an SQLite database (${(error as Error).message}); ${fix}`, { cause: error });
  }
  if (version !== SCHEMA_VERSION) {
    db.close();
    const what = version === 0 ? 'holds no Kadabra channel (an empty file or another database)' : `holds a channel of schema version ${version}, not ${SCHEMA_VERSION}`;
    throw new SqliteChannelNotFoundError(`${path} ${what}; ${fix}`);
  }
  return db;
}
