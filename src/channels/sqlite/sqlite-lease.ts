import type { Database, Statement } from 'better-sqlite3';
import type { LeaseRequest } from '../channel-lease.js';
import { SQLITE_NOW_MS } from './sqlite-queue.js';

/** Table of leases (`Channel.lease`): who holds each, until when (ms since the epoch, SQLite's clock). */
export const LEASES_TABLE = 'kadabra_leases';

// Created on first use, as the state table is: files made before it existed get it
// without a new schema version, and earlier Kadabra versions ignore it.
const CREATE_LEASES_TABLE = `
CREATE TABLE IF NOT EXISTS ${LEASES_TABLE} (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID`;

interface LeaseStatements {
  /** Takes the lease when free or expired, renews it when the owner holds it: 1 change when held after. */
  readonly hold: Statement<[string, string, number]>;
  readonly release: Statement<[string, string]>;
}

/**
 * Leases in the channel's file: one row per lease with its owner and expiry, taken,
 * renewed or given up by one statement each (a statement is atomic, and writers take
 * the file's lock in turn), timed by SQLite's clock, which every process sharing the
 * file reads from the same host.
 */
export class SqliteLease {
  private statements: LeaseStatements | undefined;

  constructor(private readonly db: Database) {}

  /** Whether `request.owner` holds the lease after the call (always false when giving it up). */
  hold(request: LeaseRequest): boolean {
    const { hold, release } = this.prepared();
    if (request.ttlMs === 0) {
      release.run(request.name, request.owner);
      return false;
    }
    return hold.run(request.name, request.owner, request.ttlMs).changes === 1;
  }

  private prepared(): LeaseStatements {
    if (this.statements) return this.statements;
    this.db.exec(CREATE_LEASES_TABLE);
    const t = LEASES_TABLE;
    this.statements = {
      hold: this.db.prepare(
        `INSERT INTO ${t} (name, owner, expires_at) VALUES (?, ?, ${SQLITE_NOW_MS} + ?) ` +
          'ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at ' +
          `WHERE ${t}.owner = excluded.owner OR ${t}.expires_at <= ${SQLITE_NOW_MS}`,
      ),
      release: this.db.prepare(`DELETE FROM ${t} WHERE name = ? AND owner = ?`),
    };
    return this.statements;
  }
}
