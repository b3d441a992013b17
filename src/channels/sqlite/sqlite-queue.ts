import type { Database, Statement } from 'better-sqlite3';
import type { ChannelStatus, DeadLetter, LatestValue, ReceiveLimits, StateChange, StateSelection } from '../channel.js';
import { DEAD_LETTERS_TABLE, MESSAGES_TABLE } from './sqlite-schema.js';
import { SqliteState } from './sqlite-state.js';

/** A message row: its id (never reused) and exact bytes. */
export interface MessageRow {
  readonly id: number;
  readonly body: Buffer;
}

/** An in-progress message row with the ms since the epoch it entered in-progress. */
export interface InProgressRow extends MessageRow {
  readonly entered_at: number;
}

/** What one take or listing returned, with what it dead-lettered for size on the way. */
export interface Taken<Row> {
  readonly rows: Row[];
  /** Rows over the maximum size moved to the dead letters without being read. */
  readonly deadLettered: number;
  /** Dead letters held after those moves (0 when there were none). */
  readonly deadLetters: number;
  /** Size of the last of them, in bytes (0 when there were none). */
  readonly lastSize: number;
  /** SQLite's clock when it ran, ms since the epoch. */
  readonly now: number;
}

/**
 * The one clock every time that decides "stuck" comes from: SQLite's own `'now'` (the
 * host's clock as SQLite reads it, in ms since the epoch), evaluated in the statement,
 * never a JavaScript `Date.now()` that a process may have shifted. Every process sharing
 * the file runs on this host, so they all share it.
 */
export const SQLITE_NOW_MS = "CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)";

interface SizedRow {
  readonly id: number;
  readonly size: number;
}

/** The dead-letter reason of a message over the maximum size. */
function oversizeReason(size: number, max: number): string {
  return `message of ${size} bytes is over the maximum of ${max} bytes (AGENT_MESSAGE_MAX_BYTES); it was moved here without being read`;
}

interface DeadLetterRow {
  readonly id: number;
  readonly body: Buffer;
  readonly reason: string;
  readonly dead_at: number;
}

/**
 * The channel's SQL, one synchronous method per operation, each one transaction. Writes
 * run in IMMEDIATE transactions: the write lock is taken at BEGIN, so two connections
 * never both read a row as queued and both take it, and a busy wait happens at BEGIN,
 * where a retry is safe, never half-way through.
 */
export class SqliteQueue {
  private readonly insert: Statement<[Buffer]>;
  private readonly anyQueued: Statement<[]>;
  private readonly queuedSizes: Statement<[number], SizedRow>;
  private readonly takeOne: Statement<[number], MessageRow>;
  private readonly inProgressSizes: Statement<[number], SizedRow & { entered_at: number }>;
  private readonly bodyOf: Statement<[number], { body: Buffer }>;
  private readonly moveUnreadToDead: Statement<[string, number]>;
  private readonly deleteRow: Statement<[number]>;
  private readonly clock: Statement<[], { now: number }>;
  private readonly deleteInProgress: Statement<[number]>;
  private readonly isInProgress: Statement<[number]>;
  private readonly copyToDead: Statement<[string, number, number]>;
  private readonly countDead: Statement<[], { n: number }>;
  private readonly state: SqliteState;

  constructor(private readonly db: Database) {
    const m = MESSAGES_TABLE;
    this.insert = db.prepare(`INSERT INTO ${m} (body) VALUES (?)`);
    this.anyQueued = db.prepare(`SELECT 1 FROM ${m} WHERE state = 'queued' LIMIT 1`);
    this.queuedSizes = db.prepare(`SELECT id, length(body) AS size FROM ${m} WHERE state = 'queued' ORDER BY id LIMIT ?`);
    this.takeOne = db.prepare(
      `UPDATE ${m} SET state = 'in_progress', entered_at = ${SQLITE_NOW_MS} WHERE id = ? AND state = 'queued' RETURNING id, body`,
    );
    this.inProgressSizes = db.prepare(
      `SELECT id, length(body) AS size, entered_at FROM ${m} WHERE state = 'in_progress' ORDER BY entered_at, id LIMIT ?`,
    );
    this.bodyOf = db.prepare(`SELECT body FROM ${m} WHERE id = ?`);
    // The bytes move inside SQLite: the process never reads an oversized body.
    this.moveUnreadToDead = db.prepare(
      `INSERT INTO ${DEAD_LETTERS_TABLE} (body, reason, dead_at) SELECT body, ?, ${SQLITE_NOW_MS} FROM ${m} WHERE id = ?`,
    );
    this.deleteRow = db.prepare(`DELETE FROM ${m} WHERE id = ?`);
    this.clock = db.prepare(`SELECT ${SQLITE_NOW_MS} AS now`);
    this.deleteInProgress = db.prepare(`DELETE FROM ${m} WHERE id = ? AND state = 'in_progress'`);
    this.isInProgress = db.prepare(`SELECT 1 FROM ${m} WHERE id = ? AND state = 'in_progress'`);
    this.copyToDead = db.prepare(
      `INSERT INTO ${DEAD_LETTERS_TABLE} (body, reason, dead_at) SELECT body, ?, ? FROM ${m} WHERE id = ? AND state = 'in_progress'`,
    );
    this.countDead = db.prepare(`SELECT count(*) AS n FROM ${DEAD_LETTERS_TABLE}`);
    this.state = new SqliteState(db);
  }

  /** Appends messages in order (the first is taken first). */
  send(bodies: readonly Buffer[]): void {
    this.db.transaction(() => {
      for (const body of bodies) this.insert.run(body);
    }).immediate();
  }

  /** Whether anything is queued: a read, no lock, so polling an empty queue is cheap. */
  hasQueued(): boolean {
    return this.anyQueued.get() !== undefined;
  }

  /**
   * Marks up to `max` of the oldest queued messages in progress (entered now by SQLite's
   * clock), within `limits.maxBatchBytes`; oldest first. Those over
   * `limits.maxMessageBytes` go to the dead letters without being read.
   */
  takeOldest(max: number, limits: ReceiveLimits = {}): Taken<MessageRow> {
    return this.db.transaction(() => {
      const accepted = this.withinLimits(this.queuedSizes.all(max), limits);
      const rows: MessageRow[] = [];
      for (const id of accepted.ids) {
        const row = this.takeOne.get(id);
        if (row) rows.push(row);
      }
      return { rows, ...this.moved(accepted), now: this.now() };
    }).immediate();
  }

  /**
   * Walks candidate rows oldest first: dead-letters those over the maximum size in SQL,
   * keeps the others until the byte budget is reached (the first one always).
   */
  private withinLimits(
    candidates: readonly SizedRow[],
    limits: ReceiveLimits,
  ): { ids: number[]; deadLettered: number; lastSize: number } {
    const maxMessage = limits.maxMessageBytes ?? Infinity;
    const maxBatch = limits.maxBatchBytes ?? Infinity;
    const ids: number[] = [];
    let bytes = 0;
    let deadLettered = 0;
    let lastSize = 0;
    for (const { id, size } of candidates) {
      if (size > maxMessage) {
        this.moveUnreadToDead.run(oversizeReason(size, maxMessage), id);
        this.deleteRow.run(id);
        deadLettered += 1;
        lastSize = size;
        continue;
      }
      if (ids.length > 0 && bytes + size > maxBatch) break;
      ids.push(id);
      bytes += size;
    }
    return { ids, deadLettered, lastSize };
  }

  private moved({ deadLettered, lastSize }: { deadLettered: number; lastSize: number }): Pick<Taken<MessageRow>, 'deadLettered' | 'deadLetters' | 'lastSize'> {
    return { deadLettered, lastSize, deadLetters: deadLettered > 0 ? (this.countDead.get()?.n ?? 0) : 0 };
  }

  private now(): number {
    return this.clock.get()?.now ?? Date.now();
  }

  /**
   * Deletes these in-progress rows; returns how many were still there. With state
   * changes, all or nothing: when every row is still in progress (each id once), they are
   * deleted and the changes applied in this one transaction; else nothing changes.
   * @throws InvalidArgumentError when a total would leave the 64-bit range (rolled back).
   */
  complete(ids: readonly number[], changes?: readonly StateChange[]): number {
    return this.db.transaction(() => {
      if (changes) {
        const all = new Set(ids).size === ids.length && ids.every((id) => this.isInProgress.get(id) !== undefined);
        if (!all) return 0;
        for (const change of changes) this.state.apply(change);
      }
      let removed = 0;
      for (const id of ids) removed += this.deleteInProgress.run(id).changes;
      return removed;
    }).immediate();
  }

  /** The totals of a publisher's state `namespace`. */
  readState(namespace: string, select?: StateSelection): Map<string, bigint> {
    return this.db.transaction(() => this.state.read(namespace, select))();
  }

  /** The values set if newer of a publisher's state `namespace`. */
  readLatest(namespace: string): Map<string, LatestValue> {
    return this.db.transaction(() => this.state.readLatest(namespace))();
  }

  /**
   * Up to `limit` in-progress rows, oldest first, within `limits.maxBatchBytes`, with
   * SQLite's clock now; those over `limits.maxMessageBytes` go to the dead letters unread.
   */
  inProgress(limit: number, limits: ReceiveLimits = {}): Taken<InProgressRow> {
    const list = (): Taken<InProgressRow> => {
      const candidates = this.inProgressSizes.all(Math.max(0, limit));
      const entered = new Map(candidates.map((row) => [row.id, row.entered_at]));
      const accepted = this.withinLimits(candidates, limits);
      const rows: InProgressRow[] = [];
      for (const id of accepted.ids) {
        const body = this.bodyOf.get(id)?.body;
        if (body) rows.push({ id, body, entered_at: entered.get(id) ?? 0 });
      }
      return { rows, ...this.moved(accepted), now: this.now() };
    };
    // IMMEDIATE: it may dead-letter, and the nanny's run every few seconds can afford the lock.
    return this.db.transaction(list).immediate();
  }

  /**
   * Moves an in-progress row to the dead letters (never trimmed), its body copied in SQL.
   * Returns how many dead letters there are now, or 0 when it was no longer in progress
   * (another agent finished it) and nothing was recorded.
   */
  deadLetter(id: number, reason: string, now: number): number {
    return this.db.transaction(() => {
      if (this.copyToDead.run(reason, now, id).changes === 0) return 0;
      this.deleteInProgress.run(id);
      return this.countDead.get()?.n ?? 0;
    }).immediate();
  }

  /** Counts, read in one snapshot. */
  status(deadLetterAlarmThreshold: number): ChannelStatus {
    const db = this.db;
    return db.transaction(() => {
      const counts = db
        .prepare<[], { state: string; n: number }>(`SELECT state, count(*) AS n FROM ${MESSAGES_TABLE} GROUP BY state`)
        .all();
      const oldest = db
        .prepare<[], { at: number | null; now: number }>(
          `SELECT min(entered_at) AS at, ${SQLITE_NOW_MS} AS now FROM ${MESSAGES_TABLE} WHERE state = 'in_progress'`,
        )
        .get();
      const count = (state: string): number => counts.find((row) => row.state === state)?.n ?? 0;
      return {
        queued: count('queued'),
        inProgress: count('in_progress'),
        oldestInProgressAt: oldest?.at ?? undefined,
        oldestInProgressMs: oldest?.at == null ? undefined : oldest.now - oldest.at,
        deadLetters: this.countDead.get()?.n ?? 0,
        deadLetterAlarmThreshold,
      };
    })();
  }

  /** Up to `limit` dead letters, newest first. */
  deadLetters(limit: number): DeadLetter[] {
    return this.db
      .prepare<[number], DeadLetterRow>(
        `SELECT id, body, reason, dead_at FROM ${DEAD_LETTERS_TABLE} ORDER BY id DESC LIMIT ?`,
      )
      .all(Math.max(1, limit))
      .map(toDeadLetter);
  }

  /**
   * Moves up to `limit` (any number when not finite) of the oldest dead letters whose
   * reason contains `reason` (all when undefined) back onto the queue, oldest first, in
   * one IMMEDIATE transaction: requeues running at once take turns, none queues a letter twice.
   */
  requeueDeadLetters(limit: number, reason: string | undefined): number {
    const db = this.db;
    return db.transaction(() => {
      const rows = db
        .prepare<[string | null, string | null, number], DeadLetterRow>(
          `SELECT id, body, reason, dead_at FROM ${DEAD_LETTERS_TABLE} ` +
            'WHERE ? IS NULL OR instr(reason, ?) > 0 ORDER BY id LIMIT ?',
        )
        .all(reason ?? null, reason ?? null, Number.isFinite(limit) ? Math.max(1, limit) : -1);
      const remove = db.prepare<[number]>(`DELETE FROM ${DEAD_LETTERS_TABLE} WHERE id = ?`);
      for (const row of rows) {
        this.insert.run(row.body);
        remove.run(row.id);
      }
      return rows.length;
    }).immediate();
  }

  /** Deletes every dead letter; returns how many there were. */
  purgeDeadLetters(): number {
    const db = this.db;
    return db.transaction(() => db.prepare(`DELETE FROM ${DEAD_LETTERS_TABLE}`).run().changes).immediate();
  }
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  const text = row.body.toString('utf8');
  // Bytes that are not valid UTF-8 would not survive a round trip through text.
  const valid = Buffer.from(text, 'utf8').equals(row.body);
  return {
    message: valid ? text : row.body.toString('base64'),
    encoding: valid ? 'utf8' : 'base64',
    reason: row.reason,
    time: new Date(row.dead_at).toISOString(),
  };
}
