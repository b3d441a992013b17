import type { Database } from 'better-sqlite3';
import { ConfigurationError } from '../../errors/configuration-error.js';
import type { SqliteChannelArgs } from './sqlite-channel-args.js';

/** Version of the tables below, kept in `PRAGMA user_version`. */
export const SCHEMA_VERSION = 1;

/** Table of queued and in-progress messages. */
export const MESSAGES_TABLE = 'kadabra_messages';
/** Table of dead letters. */
export const DEAD_LETTERS_TABLE = 'kadabra_dead_letters';
/** Table of named counts: unused since dead letters are never dropped; kept so files made before open unchanged. */
export const COUNTS_TABLE = 'kadabra_counts';

// AUTOINCREMENT: ids are never reused, so a consumer holding the id of a message another
// agent has since completed can never complete or dead-letter a newer message by it.
// The partial indexes make "oldest queued" and "oldest in progress" index lookups; the
// literal state values in queries are what lets SQLite use them.
const CREATE_TABLES = `
CREATE TABLE IF NOT EXISTS ${MESSAGES_TABLE} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  body BLOB NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'in_progress')),
  entered_at INTEGER
);
CREATE INDEX IF NOT EXISTS ${MESSAGES_TABLE}_queued ON ${MESSAGES_TABLE} (id) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS ${MESSAGES_TABLE}_in_progress ON ${MESSAGES_TABLE} (entered_at, id) WHERE state = 'in_progress';
CREATE TABLE IF NOT EXISTS ${DEAD_LETTERS_TABLE} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  body BLOB NOT NULL,
  reason TEXT NOT NULL,
  dead_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ${COUNTS_TABLE} (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

/**
 * Sets the connection's pragmas and creates the tables if they are missing. Several
 * processes may do this at once: the creation runs in one IMMEDIATE transaction and the
 * caller retries while the file is busy.
 *
 * @throws ConfigurationError when the file was made by a newer schema version.
 */
export function prepareDatabase(db: Database, args: Pick<SqliteChannelArgs, 'path' | 'synchronous'>): void {
  // WAL: readers never block the writer and the writer never blocks readers, so apps,
  // agents and `kadabra status` share the file; a commit is one append to the log.
  db.pragma('journal_mode = WAL');
  // NORMAL (the default): in WAL mode a commit is in the OS once COMMIT returns, so it
  // survives the crash or SIGKILL of any process, which is the promise this channel
  // makes; only a power loss or OS crash can roll back the last commits (never corrupt
  // the file), like Redis with appendfsync everysec. FULL adds an fsync to every commit
  // for those too, at a cost of milliseconds per send on most disks.
  db.pragma(`synchronous = ${args.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) {
    throw new ConfigurationError(
      'CHANNEL_ARGS.path',
      `${args.path} holds a Kadabra channel of schema version ${version}, newer than this ` +
        `version of Kadabra understands (${SCHEMA_VERSION}); upgrade Kadabra or use another path`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    db.exec(CREATE_TABLES);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
