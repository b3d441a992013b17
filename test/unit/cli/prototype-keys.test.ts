// Keys that are also names of Object.prototype members (`__proto__`, `constructor`,
// `toString`, ...) are carried like any other key, or refused with a reason: never dropped.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SqliteChannel } from '../../../src/channels/sqlite/sqlite-channel.js';
import { parseKeyValues } from '../../../src/cli/parse-key-values.js';
import { resolveAgentConfiguration, resolveClientConfiguration } from '../../../src/config/index.js';
import { createLogger } from '../../../src/logging/logger.js';
import { configurationErrorOf } from '../config/helpers.js';
import { cli } from './cli-harness.js';

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

describe('keys named like Object.prototype members', () => {
  test('parseKeyValues keeps every one as an own key', () => {
    const parsed = parseKeyValues(PROTOTYPE_NAMES.map((name, i) => `${name}=v${i}`), 'dimension');
    assert.deepEqual(Object.keys(parsed), PROTOTYPE_NAMES);
    assert.deepEqual(Object.values(parsed), PROTOTYPE_NAMES.map((_, i) => `v${i}`));
  });

  test('kadabra send carries them as dimensions and metadata on the wire', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kadabra-proto-')), 'channel.db');
    const env = { KADABRA_CLIENT_CHANNEL_TYPE: 'sqlite', KADABRA_CLIENT_CHANNEL_ARGS: JSON.stringify({ path }) };
    const options = PROTOTYPE_NAMES.flatMap((name, i) => ['--dimension', `${name}=d${i}`, '--metadata', `${name}=m${i}`]);
    const result = await cli(['send', 'count', 'hits', '1', ...options], env);
    assert.equal(result.code, 0, result.stderr);
    const channel = new SqliteChannel({ path }, createLogger({ level: 'silent' }));
    try {
      const received = await channel.receive({ timeoutSeconds: 1 });
      assert.ok(received);
      assert.deepEqual(
        received.metrics.dimensions.map((d) => [d.name, d.value]),
        PROTOTYPE_NAMES.map((name, i) => [name, `d${i}`]),
      );
      const metadata = received.metrics.counters[0]?.metadata ?? {};
      assert.deepEqual(Object.keys(metadata), PROTOTYPE_NAMES);
      // The bytes on the wire, as the channel keeps them in its dead-letter list.
      await channel.deadLetter(received.receipt, 'to read the wire bytes');
      const [letter] = await channel.deadLetters(1);
      assert.ok(letter?.message.includes('{"name": "__proto__", "value": "d0"}'));
    } finally {
      await channel.close();
    }
  });

  test('CLIENT_DEFAULT_DIMENSIONS keeps them, and checks their values', () => {
    const configuration = resolveClientConfiguration(JSON.parse('{"CLIENT_DEFAULT_DIMENSIONS": {"__proto__": "a", "constructor": "b"}}'), {});
    assert.deepEqual(Object.entries(configuration.CLIENT_DEFAULT_DIMENSIONS), [['__proto__', 'a'], ['constructor', 'b']]);
    const error = configurationErrorOf(
      () => resolveClientConfiguration(JSON.parse('{"CLIENT_DEFAULT_DIMENSIONS": {"__proto__": 5}}'), {}),
      'CLIENT_DEFAULT_DIMENSIONS.__proto__',
    );
    assert.match(error.message, /must be a string; got 5/);
  });

  test('inside *_ARGS they are refused as unknown arguments, from a file or the environment', () => {
    for (const name of PROTOTYPE_NAMES) {
      const input = JSON.parse(`{"AGENT_CHANNEL_ARGS": {"${name}": {"port": 1}}}`) as unknown;
      const error = configurationErrorOf(() => resolveAgentConfiguration(input, {}), `AGENT_CHANNEL_ARGS.${name}`);
      assert.match(error.message, /is not an argument of channel type "redis"/);
      configurationErrorOf(
        () => resolveAgentConfiguration({}, { KADABRA_AGENT_PUBLISHER_ARGS: `{"${name}": 1}`, KADABRA_AGENT_PUBLISHER_TYPE: 'influxdb' }),
        `AGENT_PUBLISHER_ARGS.${name}`,
      );
    }
  });
});
