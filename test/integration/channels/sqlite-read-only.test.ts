// `kadabra status` and `kadabra dead-letters list` only look: pointed at a mistyped SQLite
// path they fail naming it, and they never create a file, a folder or tables.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SqliteChannel } from '../../../src/channels/sqlite/sqlite-channel.js';
import { createLogger } from '../../../src/logging/logger.js';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../../../src/metrics/metrics.js';
import { cli } from '../../unit/cli/cli-harness.js';

const READ_ONLY_COMMANDS = [['status'], ['status', '--json'], ['dead-letters', 'list'], ['dead-letters', 'list', '--json']];

function sqliteEnv(path: string): NodeJS.ProcessEnv {
  return { KADABRA_AGENT_CHANNEL_TYPE: 'sqlite', KADABRA_AGENT_CHANNEL_ARGS: JSON.stringify({ path }) };
}

describe('read-only commands on the SQLite channel', () => {
  test('a mistyped path fails naming it and creates no folder and no file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kadabra-ro-'));
    const path = join(root, 'no-such-dir', 'deeper', 'channel.db');
    for (const command of READ_ONLY_COMMANDS) {
      const result = await cli(command, sqliteEnv(path));
      assert.equal(result.code, 1, `${command.join(' ')}: ${result.stdout}`);
      assert.ok(result.stderr.includes(path), result.stderr);
      assert.match(result.stderr, /does not exist; check the path argument of AGENT_CHANNEL_ARGS/);
      assert.equal(result.stdout, '');
      assert.equal(existsSync(join(root, 'no-such-dir')), false, `${command.join(' ')} created the folder`);
    }
  });

  test('an existing empty file (or another database) is refused and left as it was', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kadabra-ro-'));
    const empty = join(root, 'empty.db');
    writeFileSync(empty, '');
    const text = join(root, 'notes.txt');
    writeFileSync(text, 'not a database at all, just some text that is long enough to be a header');
    for (const command of READ_ONLY_COMMANDS) {
      const result = await cli(command, sqliteEnv(empty));
      assert.equal(result.code, 1);
      assert.match(result.stderr, /holds no Kadabra channel/);
      assert.equal(statSync(empty).size, 0, `${command.join(' ')} wrote to the empty file`);
      const other = await cli(command, sqliteEnv(text));
      assert.equal(other.code, 1);
      assert.ok(other.stderr.includes(text), other.stderr);
      assert.match(readFileSync(text, 'utf8'), /^not a database/);
    }
  });

  test('an existing channel is read as before', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kadabra-ro-'));
    const path = join(root, 'channel.db');
    const channel = new SqliteChannel({ path }, createLogger({ level: 'silent' }));
    const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, {});
    collector.addCount('c', 1);
    await channel.send(collector.close());
    await channel.close();
    const status = await cli(['status', '--json'], sqliteEnv(path));
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as { queued: number }).queued, 1);
    const list = await cli(['dead-letters', 'list'], sqliteEnv(path));
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout, 'no dead letters\n');
  });
});
