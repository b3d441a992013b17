import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { createChannel } from '../../../src/channels/create-channel.js';
import { loadBetterSqlite3 } from '../../../src/channels/sqlite/load-better-sqlite3.js';
import { SqliteChannel } from '../../../src/channels/sqlite/sqlite-channel.js';
import { resolveAgentConfiguration, resolveClientConfiguration } from '../../../src/config/index.js';
import { Kadabra } from '../../../src/client/kadabra.js';
import { ConfigurationError } from '../../../src/errors/configuration-error.js';
import { createLogger } from '../../../src/logging/logger.js';
import { nameOf, wireMessage } from '../../conformance/channel-conformance.js';
import { MESSAGES_TABLE } from '../../../src/channels/sqlite/sqlite-schema.js';
import { Database } from './sqlite-support.js';

const silent = createLogger({ level: 'silent' });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('SqliteChannel specifics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kadabra-sqlite-'));
  let opened: SqliteChannel[] = [];
  let files = 0;
  const newPath = (): string => join(dir, `c${(files += 1)}`, 'channel.db');
  const open = (path: string, args: Record<string, unknown> = {}): SqliteChannel => {
    const channel = new SqliteChannel({ path, ...args }, silent);
    opened.push(channel);
    return channel;
  };
  afterEach(async () => {
    await Promise.all(opened.map((c) => c.close()));
    opened = [];
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('without better-sqlite3 installed, making the channel fails with what to install', () => {
    const missing = (): never => {
      throw Object.assign(new Error("Cannot find module 'better-sqlite3'"), { code: 'MODULE_NOT_FOUND' });
    };
    assert.throws(
      () => loadBetterSqlite3(missing),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        /install better-sqlite3 to use CLIENT_CHANNEL_TYPE \/ AGENT_CHANNEL_TYPE 'sqlite'/.test(error.message) &&
        /not installed/.test(error.message),
    );
  });

  test('is chosen by CLIENT_CHANNEL_TYPE / AGENT_CHANNEL_TYPE sqlite, with defaults and checked arguments', async () => {
    const client = resolveClientConfiguration({ CLIENT_CHANNEL_TYPE: 'sqlite' }, {});
    assert.deepEqual(client.CLIENT_CHANNEL_ARGS, SqliteChannel.DEFAULT_ARGS);
    const path = newPath();
    const agent = resolveAgentConfiguration(
      { AGENT_CHANNEL_TYPE: 'sqlite', AGENT_CHANNEL_ARGS: { path, busy_timeout: 2 } },
      { KADABRA_AGENT_CHANNEL_ARGS: JSON.stringify({ path, dead_max_length: 5 }) },
    );
    assert.ok(agent.AGENT_CHANNEL_TYPE === 'sqlite');
    assert.equal(agent.AGENT_CHANNEL_ARGS.dead_max_length, 5);
    const channel = createChannel('sqlite', agent.AGENT_CHANNEL_ARGS, silent);
    assert.ok(channel instanceof SqliteChannel);
    assert.deepEqual(channel.describe(), { type: 'sqlite', endpoint: `sqlite:${path}` });
    await channel.close();

    assert.throws(
      () => resolveClientConfiguration({ CLIENT_CHANNEL_TYPE: 'sqlite', CLIENT_CHANNEL_ARGS: { port: 6379 } }, {}),
      (error: unknown) => error instanceof ConfigurationError && /CLIENT_CHANNEL_ARGS\.port/.test(error.message),
    );
    assert.throws(
      () => resolveClientConfiguration({ CLIENT_CHANNEL_TYPE: 'sqlite', CLIENT_CHANNEL_ARGS: { busy_timeout: 0 } }, {}),
      (error: unknown) => error instanceof ConfigurationError && /busy_timeout/.test(error.message),
    );
    assert.throws(() => new SqliteChannel({ synchronous: 'off' as never }), ConfigurationError);
  });

  test('a Kadabra client sends to the file, which is created with its directory, in WAL mode', async () => {
    const path = newPath();
    const client = new Kadabra({ CLIENT_CHANNEL_TYPE: 'sqlite', CLIENT_CHANNEL_ARGS: { path }, CLIENT_LOG_LEVEL: 'silent' });
    for (let i = 0; i < 3; i += 1) {
      const metrics = client.metrics();
      metrics.addCount(`k${i}`, i);
      client.send(metrics.close());
    }
    const { delivered, dropped, buffered } = await client.close();
    assert.deepEqual({ delivered, dropped, buffered }, { delivered: 3, dropped: 0, buffered: 0 });
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
    const channel = open(path);
    assert.deepEqual((await channel.receiveBatch(10)).map(nameOf), ['k0', 'k1', 'k2']);
  });

  test('close() of a client whose database another connection keeps locked resolves, reporting what it could not deliver', { timeout: 60_000 }, async (t) => {
    const path = newPath();
    const first = new Kadabra({ CLIENT_CHANNEL_TYPE: 'sqlite', CLIENT_CHANNEL_ARGS: { path }, CLIENT_LOG_LEVEL: 'silent' });
    first.send(first.metrics().close());
    await first.close();
    const locker = new Database(path, { timeout: 0 });
    locker.exec('BEGIN EXCLUSIVE');
    try {
      const client = new Kadabra({
        CLIENT_CHANNEL_TYPE: 'sqlite',
        CLIENT_CHANNEL_ARGS: { path, busy_timeout: 3600 },
        CLIENT_FLUSH_TIMEOUT_SECONDS: 1,
        CLIENT_LOG_LEVEL: 'silent',
      });
      for (let i = 0; i < 4; i += 1) client.send(client.metrics().close());
      const started = Date.now();
      const stats = await client.close();
      t.diagnostic(`close() took ${Date.now() - started} ms with the database locked`);
      assert.equal(stats.delivered, 0);
      assert.equal(stats.buffered, 4, 'what could not be delivered is reported');
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
  });

  test('a relative path is resolved against the working directory', async () => {
    const path = newPath();
    const channel = open(relative(process.cwd(), path));
    assert.equal(channel.path, path);
    await channel.sendEncoded([wireMessage('r')]);
    assert.equal((await open(path).status()).queued, 1);
  });

  test('queued and in-progress messages, with their entry times, outlive the connection', async () => {
    const path = newPath();
    const first = open(path);
    await first.sendEncoded(['s0', 's1', 's2'].map((n) => wireMessage(n)));
    const taken = await first.receive({ timeoutSeconds: 5 });
    assert.equal(nameOf(taken), 's0');
    const [entry] = await first.inProgress(1);
    await first.close();

    const second = open(path);
    const [again] = await second.inProgress(10);
    assert.equal(nameOf(again), 's0');
    assert.equal(again?.enteredAt, entry?.enteredAt);
    assert.equal((await second.status()).queued, 2);
  });

  test('a receipt is the row id: it names one of two identical messages, and the dead letter copies the row in SQL', async () => {
    const path = newPath();
    const channel = open(path);
    const twin = wireMessage('twin');
    await channel.sendEncoded([twin, twin]);
    const [first, second] = await channel.receiveBatch(2);
    assert.ok(first && second);
    const db = new Database(path, { readonly: true });
    try {
      const ids = db.prepare<[], { id: number }>(`SELECT id FROM ${MESSAGES_TABLE} ORDER BY id`).all().map((row) => String(row.id));
      assert.deepEqual([first.receipt.id, second.receipt.id], ids);
    } finally {
      db.close();
    }
    await channel.deadLetter(second.receipt, 'the second copy');
    const [listed] = await channel.inProgress(10);
    assert.equal(listed?.receipt.id, first.receipt.id, 'the first copy stays');
    assert.deepEqual((await channel.deadLetters(1)).map((letter) => [letter.message, letter.reason]), [[twin, 'the second copy']]);
  });

  test('publisher state lives in kadabra_state, made on first use: a file from before opens as it was, read-only too', async () => {
    const path = newPath();
    const channel = open(path);
    await channel.sendEncoded([wireMessage('s0')]);
    const hasStateTable = (): boolean => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'kadabra_state'`).get() !== undefined;
      } finally {
        db.close();
      }
    };
    assert.equal(hasStateTable(), false, 'a file without state is what earlier versions made');
    const reader = new SqliteChannel({ path }, silent, { readOnly: true });
    opened.push(reader);
    assert.deepEqual(await reader.readState('prometheus'), new Map());
    const receipts = (await channel.receiveBatch(1)).map((message) => message.receipt);
    await channel.complete(receipts, { stateChange: { namespace: 'prometheus', add: new Map([['requests', 2n ** 60n]]) } });
    assert.equal(hasStateTable(), true);
    assert.deepEqual(await reader.readState('prometheus'), new Map([['requests', 2n ** 60n]]));
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('user_version', { simple: true }), 1, 'the schema version is unchanged');
    } finally {
      db.close();
    }
  });

  test('an empty queue is polled with reads only: no write lock, no commit', async () => {
    const path = newPath();
    const channel = open(path);
    await channel.status();
    const other = new Database(path, { timeout: 0 });
    try {
      const version = (): unknown => other.pragma('data_version', { simple: true });
      const before = version();
      other.exec('BEGIN IMMEDIATE'); // holds the write lock throughout
      assert.deepEqual(await channel.receiveBatch(10_000), []);
      assert.equal(await channel.receive({ timeoutSeconds: 0.2 }), null);
      other.exec('COMMIT');
      assert.equal(version(), before, 'nothing was written');
    } finally {
      other.close();
    }
  });

  test('a writer waits for another process\'s lock without blocking the event loop', async () => {
    const path = newPath();
    const channel = open(path, { busy_timeout: 10 });
    await channel.status();
    const other = new Database(path);
    try {
      other.exec('BEGIN IMMEDIATE');
      let ticks = 0;
      const ticker = setInterval(() => (ticks += 1), 10);
      const sending = channel.sendEncoded([wireMessage('waited')]);
      await sleep(400);
      other.exec('COMMIT');
      await sending;
      clearInterval(ticker);
      assert.ok(ticks >= 3, `the event loop ran while the send waited (${ticks} ticks)`);
      assert.equal((await channel.status()).queued, 1);
    } finally {
      other.close();
    }
  });

  test('past busy_timeout an operation fails naming the file and busy_timeout, and works again later', async () => {
    const path = newPath();
    const channel = open(path, { busy_timeout: 0.3 });
    await channel.status();
    const other = new Database(path);
    try {
      other.exec('BEGIN IMMEDIATE');
      await assert.rejects(channel.sendEncoded([wireMessage('late')]), (error: Error) =>
        error.message.includes(path) && error.message.includes('busy_timeout'),
      );
      other.exec('COMMIT');
      await channel.sendEncoded([wireMessage('late')]);
      assert.equal((await channel.status()).queued, 1);
    } finally {
      other.close();
    }
  });

  test('a file from a newer schema version is refused with a clear error', async () => {
    const path = newPath();
    await open(path).status();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    await assert.rejects(open(path).status(), (error: unknown) =>
      error instanceof ConfigurationError && /schema version 99/.test(error.message),
    );
  });

  test('operations after close reject; close is idempotent', async () => {
    const channel = open(newPath());
    await channel.status();
    await channel.close();
    await channel.close();
    await assert.rejects(channel.sendEncoded([wireMessage('x')]), /closed/);
    assert.equal(await channel.receive({ timeoutSeconds: 1 }), null);
  });
});
