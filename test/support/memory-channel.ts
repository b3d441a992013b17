import type {
  Channel,
  ChannelDescription,
  ChannelStatus,
  CompleteOptions,
  DeadLetter,
  InProgressMessage,
  LatestValue,
  Receipt,
  ReceivedMessage,
  ReceiveLimits,
  ReceiveOptions,
  DeadLetterFilter,
  StateSelection,
} from '../../src/channels/channel.js';
import { encodedBytes, type EncodedMessage } from '../../src/channels/encoded-message.js';
import { checkLease } from '../../src/channels/channel-lease.js';
import { foreignReceipt, ownReceipts } from '../../src/channels/receipt.js';
import { addToTotal, checkNamespace, checkStateChanges, checkStateSelection, keepNewest, selectTotals } from '../../src/channels/state-change.js';
import type { Metrics } from '../../src/metrics/metrics.js';
import { decodeMetrics, encodeMetrics } from '../../src/wire/codec.js';

/** Channel operations whose calls are counted and can be made to fail. */
export type MemoryChannelOperation =
  | 'send' | 'receive' | 'receiveBatch' | 'complete' | 'inProgress' | 'deadLetter' | 'status';

/** Options of a `MemoryChannel`. */
export interface MemoryChannelOptions {
  /** Clock in ms since the epoch, used for `enteredAt`. Default `Date.now`. */
  readonly now?: () => number;
  /** Dead letters beyond which the channel raises its alarm (none is deleted). Default 10000. */
  readonly deadMaxLength?: number;
  /** Messages shared with other channels on the same store (as processes share a queue). Default: a new one. */
  readonly store?: MemoryStore;
}

/** A message in progress: `entry` numbers it in its store (never reused), as SQLite's row id does. */
interface ProgressEntry {
  readonly entry: number;
  readonly raw: Buffer;
  readonly enteredAt: number;
}

/** What several `MemoryChannel`s opened on one store share: the queue, in-progress, dead letters, publisher state. */
export class MemoryStore {
  /** Oldest first (the RPOP end, as the original's Redis list). */
  readonly queue: Buffer[] = [];
  readonly progress: ProgressEntry[] = [];
  /** Newest first. */
  readonly dead: DeadLetter[] = [];
  /** Publishers' totals by namespace. */
  readonly state = new Map<string, Map<string, bigint>>();
  /** Leases by name: who holds each, until when (the channels' clock, ms). */
  readonly leases = new Map<string, { readonly owner: string; readonly expiresAt: number }>();
  readonly latest = new Map<string, Map<string, LatestValue>>();
  readonly waiters = new Set<() => void>();
  private entries = 0;

  /** Puts a message in progress, as entered at `enteredAt`. */
  enter(raw: Buffer, enteredAt: number): ProgressEntry {
    this.entries += 1;
    const entry = { entry: this.entries, raw, enteredAt };
    this.progress.push(entry);
    return entry;
  }

  /** Wakes every receive waiting on the store. */
  wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}

/** The receipt of a message in progress in a `MemoryStore`: its entry number there. */
class MemoryReceipt implements Receipt {
  readonly shard = '';
  readonly id: string;
  readonly bytes: number;
  readonly #store: MemoryStore;

  constructor(store: MemoryStore, entry: ProgressEntry) {
    this.#store = store;
    this.id = String(entry.entry);
    this.bytes = entry.raw.length;
  }

  /** Whether it was issued by a channel on `store` (entry numbers are per store). */
  isFrom(store: MemoryStore): boolean {
    return this.#store === store;
  }
}

/**
 * An in-memory `Channel` for unit tests, with the interface's semantics (it passes the
 * channel conformance suite): `send` queues, `receive` blocks (abortable) and moves the
 * oldest message to in-progress with the time it entered, `receiveBatch` never blocks,
 * `complete` removes the messages its receipts name (all or nothing with a publisher's
 * state change), `inProgress` lists oldest first, undecodable messages are dead-lettered
 * with the reason and never returned. Every operation is counted in `calls`; `failNext`
 * injects errors.
 */
export class MemoryChannel implements Channel {
  /** Calls per operation. */
  readonly calls: Record<MemoryChannelOperation, number> = {
    send: 0, receive: 0, receiveBatch: 0, complete: 0, inProgress: 0, deadLetter: 0, status: 0,
  };
  /** Largest in-progress length seen. */
  maxInProgress = 0;
  /** Whether `close()` was called. */
  closed = false;

  private readonly now: () => number;
  private readonly deadMaxLength: number;
  private readonly store: MemoryStore;
  private readonly failures = new Map<MemoryChannelOperation, Error[]>();

  constructor(options: MemoryChannelOptions = {}) {
    this.now = options.now ?? Date.now;
    this.deadMaxLength = options.deadMaxLength ?? 10_000;
    this.store = options.store ?? new MemoryStore();
  }

  private get queue(): Buffer[] {
    return this.store.queue;
  }

  private get progress(): MemoryStore['progress'] {
    return this.store.progress;
  }

  private get dead(): DeadLetter[] {
    return this.store.dead;
  }

  /** The next `times` calls of `operation` throw `error`. */
  failNext(operation: MemoryChannelOperation, error: Error = new Error(`${operation} failed`), times = 1): void {
    const queued = this.failures.get(operation) ?? [];
    for (let i = 0; i < times; i += 1) queued.push(error);
    this.failures.set(operation, queued);
  }

  /** Queues raw bytes as a foreign producer would (e.g. junk). */
  pushRaw(...messages: (string | Buffer)[]): void {
    for (const message of messages) this.queue.push(Buffer.from(message));
    this.wake();
  }

  /** Puts raw bytes straight into in-progress, as if received at `enteredAt`. */
  putInProgress(message: string | Buffer | Metrics, enteredAt: number): void {
    const raw = Buffer.isBuffer(message) || typeof message === 'string'
      ? Buffer.from(message) : Buffer.from(encodeMetrics(message));
    this.store.enter(raw, enteredAt);
    this.track();
  }

  /** Messages waiting in the queue (oldest first). */
  get queuedCount(): number {
    return this.queue.length;
  }

  /** Messages in progress. */
  get inProgressCount(): number {
    return this.progress.length;
  }

  /** Dead letters held (newest first). */
  get deadLetterRecords(): readonly DeadLetter[] {
    return this.dead;
  }

  describe(): ChannelDescription {
    return { type: 'memory', endpoint: 'memory' };
  }

  async send(metrics: Metrics): Promise<void> {
    await this.enter('send');
    this.queue.push(Buffer.from(encodeMetrics(metrics)));
    this.wake();
  }

  async sendEncoded(messages: readonly EncodedMessage[]): Promise<void> {
    await this.enter('send');
    for (const message of messages) this.queue.push(encodedBytes(message));
    this.wake();
  }

  async receive(options: ReceiveOptions = {}): Promise<ReceivedMessage | null> {
    await this.enter('receive');
    // Real time, not `now`: a test's frozen clock must not make a receive block forever.
    const deadline = Date.now() + (options.timeoutSeconds ?? 10) * 1000;
    for (;;) {
      if (this.closed || options.signal?.aborted) return null;
      const raw = this.queue.shift();
      if (raw && this.oversized(raw, options)) continue;
      if (raw) {
        const message = this.take(raw);
        if (message) return message;
        continue;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return null;
      await this.waitForMessage(remaining, options.signal);
    }
  }

  async receiveBatch(maxBatchSize: number, limits: ReceiveLimits = {}): Promise<ReceivedMessage[]> {
    await this.enter('receiveBatch');
    const messages: ReceivedMessage[] = [];
    let taken = 0;
    let bytes = 0;
    while (taken < maxBatchSize && this.queue.length > 0) {
      const raw = this.queue[0] as Buffer;
      if (this.oversized(raw, limits)) {
        this.queue.shift();
        continue;
      }
      if (taken > 0 && bytes + raw.length > (limits.maxBatchBytes ?? Infinity)) break;
      this.queue.shift();
      taken += 1;
      bytes += raw.length;
      const message = this.take(raw);
      if (message) messages.push(message);
    }
    return messages;
  }

  /** Dead-letters `raw` when it is over `limits.maxMessageBytes` (a real channel never reads it). */
  private oversized(raw: Buffer, limits: ReceiveLimits): boolean {
    const max = limits.maxMessageBytes;
    if (max === undefined || raw.length <= max) return false;
    this.record(raw, `message of ${raw.length} bytes is over the maximum of ${max} bytes (AGENT_MESSAGE_MAX_BYTES)`);
    return true;
  }

  async complete(receipts: readonly Receipt[], options: CompleteOptions = {}): Promise<void> {
    await this.enter('complete');
    const entries = this.own(receipts).map((receipt) => Number(receipt.id));
    const changes = checkStateChanges(options.stateChange);
    if (changes) {
      const all = new Set(entries).size === entries.length && entries.every((entry) => this.at(entry) !== -1);
      if (!all || entries.length === 0) return;
      // Every sum first: one out of range throws before any change is applied.
      const sums = changes.map((change) => {
        const totals = this.store.state.get(change.namespace) ?? new Map<string, bigint>();
        return [...change.add].map(([name, amount]) => [name, addToTotal(change.namespace, name, totals.get(name) ?? 0n, amount)] as const);
      });
      changes.forEach((change, i) => {
        const totals = this.store.state.get(change.namespace) ?? new Map<string, bigint>();
        for (const [name, sum] of sums[i] ?? []) totals.set(name, sum);
        this.store.state.set(change.namespace, totals);
        const latest = this.store.latest.get(change.namespace) ?? new Map<string, LatestValue>();
        for (const [name, value] of change.set ?? []) keepNewest(latest, name, value);
        this.store.latest.set(change.namespace, latest);
      });
    }
    for (const entry of entries) this.removeEntry(entry);
  }

  async lease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const request = checkLease(name, owner, ttlMs);
    await Promise.resolve();
    const now = this.now();
    const held = this.store.leases.get(request.name);
    const free = held === undefined || held.expiresAt <= now;
    if (request.ttlMs === 0) {
      if (!free && held.owner === request.owner) this.store.leases.delete(request.name);
      return false;
    }
    if (!free && held.owner !== request.owner) return false;
    this.store.leases.set(request.name, { owner: request.owner, expiresAt: now + request.ttlMs });
    return true;
  }

  async readState(namespace: string, select?: StateSelection): Promise<Map<string, bigint>> {
    await Promise.resolve();
    return selectTotals(this.store.state.get(checkNamespace(namespace)) ?? new Map(), checkStateSelection(select));
  }

  async readLatest(namespace: string): Promise<Map<string, LatestValue>> {
    await Promise.resolve();
    return new Map(this.store.latest.get(checkNamespace(namespace)));
  }

  async inProgress(limit: number, limits: ReceiveLimits = {}): Promise<InProgressMessage[]> {
    await this.enter('inProgress');
    const oldest = [...this.progress].sort((a, b) => a.enteredAt - b.enteredAt);
    const messages: InProgressMessage[] = [];
    const now = this.now();
    let bytes = 0;
    for (const entry of oldest) {
      if (messages.length >= limit) break;
      if (this.oversized(entry.raw, limits)) {
        this.removeEntry(entry.entry);
        continue;
      }
      if (messages.length > 0 && bytes + entry.raw.length > (limits.maxBatchBytes ?? Infinity)) break;
      bytes += entry.raw.length;
      const message = this.decodeOrDeadLetter(entry);
      if (message) messages.push({ ...message, enteredAt: entry.enteredAt, inProgressMs: now - entry.enteredAt });
    }
    return messages;
  }

  async deadLetter(receipt: Receipt, reason: string): Promise<void> {
    await this.enter('deadLetter');
    const [own] = this.own([receipt]);
    const at = this.at(Number(own?.id));
    if (at === -1) return;
    const [entry] = this.progress.splice(at, 1);
    if (entry) this.record(entry.raw, reason);
  }

  async status(): Promise<ChannelStatus> {
    await this.enter('status');
    const oldest = this.progress.reduce<number | undefined>(
      (min, entry) => (min === undefined || entry.enteredAt < min ? entry.enteredAt : min), undefined,
    );
    return {
      queued: this.queue.length,
      inProgress: this.progress.length,
      oldestInProgressAt: oldest,
      oldestInProgressMs: oldest === undefined ? undefined : this.now() - oldest,
      deadLetters: this.dead.length,
      deadLetterAlarmThreshold: this.deadMaxLength,
    };
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    await Promise.resolve();
    return this.dead.slice(0, limit);
  }

  async requeueDeadLetters(limit: number, filter: DeadLetterFilter = {}): Promise<number> {
    await Promise.resolve();
    let moved = 0;
    // Oldest first: the oldest is at the end.
    for (let at = this.dead.length - 1; at >= 0 && moved < limit; at -= 1) {
      const letter = this.dead[at] as DeadLetter;
      if (filter.reason !== undefined && !letter.reason.includes(filter.reason)) continue;
      this.dead.splice(at, 1);
      this.queue.push(Buffer.from(letter.message, letter.encoding));
      moved += 1;
    }
    this.wake();
    return moved;
  }

  async purgeDeadLetters(): Promise<number> {
    await Promise.resolve();
    return this.dead.splice(0).length;
  }

  async close(): Promise<void> {
    await Promise.resolve();
    this.closed = true;
    this.wake();
  }

  private async enter(operation: MemoryChannelOperation): Promise<void> {
    this.calls[operation] += 1;
    await Promise.resolve();
    const error = this.failures.get(operation)?.shift();
    if (error) throw error;
    if (this.closed && operation !== 'status') throw new Error('channel is closed');
  }

  private take(raw: Buffer): ReceivedMessage | undefined {
    const entry = this.store.enter(raw, this.now());
    this.track();
    return this.decodeOrDeadLetter(entry);
  }

  private decodeOrDeadLetter(entry: ProgressEntry): ReceivedMessage | undefined {
    try {
      return { receipt: new MemoryReceipt(this.store, entry), metrics: decodeMetrics(entry.raw) };
    } catch (error) {
      this.removeEntry(entry.entry);
      this.record(entry.raw, error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }

  /** The receipts as this store's own. @throws InvalidArgumentError for one issued elsewhere. */
  private own(receipts: readonly Receipt[]): MemoryReceipt[] {
    const own = ownReceipts('MemoryChannel', MemoryReceipt, receipts);
    const stranger = own.find((receipt) => !receipt.isFrom(this.store));
    if (stranger) throw foreignReceipt('MemoryChannel', stranger);
    return own;
  }

  private record(raw: Buffer, reason: string): void {
    const text = raw.toString('utf8');
    const utf8 = Buffer.from(text, 'utf8').equals(raw);
    this.dead.unshift({
      message: utf8 ? text : raw.toString('base64'),
      encoding: utf8 ? 'utf8' : 'base64',
      reason,
      time: new Date(this.now()).toISOString(),
    });
  }

  /** Where entry number `entry` is in progress, or -1. */
  private at(entry: number): number {
    return this.progress.findIndex((candidate) => candidate.entry === entry);
  }

  private removeEntry(entry: number): void {
    const at = this.at(entry);
    if (at !== -1) this.progress.splice(at, 1);
  }

  private track(): void {
    this.maxInProgress = Math.max(this.maxInProgress, this.progress.length);
  }

  private wake(): void {
    this.store.wake();
  }

  private waitForMessage(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.store.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.store.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
