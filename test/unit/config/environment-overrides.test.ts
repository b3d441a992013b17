import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDIS_CHANNEL_DEFAULT_ARGS } from '../../../src/channels/redis/redis-channel-args.js';
import { resolveAgentConfiguration, resolveClientConfiguration } from '../../../src/config/index.js';
import { INFLUXDB_PUBLISHER_DEFAULT_ARGS } from '../../../src/publishers/influxdb/influxdb-publisher-args.js';
import { configurationErrorOf } from './helpers.js';

describe('KADABRA_<KEY> environment overrides', () => {
  it('takes string keys as raw text', () => {
    const config = resolveAgentConfiguration(
      {},
      { KADABRA_AGENT_PUBLISHER_TYPE: 'influxdb', KADABRA_AGENT_LOGGER_NAME: 'my "agent"' },
    );
    assert.equal(config.AGENT_PUBLISHER_TYPE, 'influxdb');
    assert.equal(config.AGENT_LOGGER_NAME, 'my "agent"');
    // The publisher type switched, so its args are InfluxDB's defaults.
    assert.deepEqual(config.AGENT_PUBLISHER_ARGS, INFLUXDB_PUBLISHER_DEFAULT_ARGS);
  });

  it('parses numbers and dictionaries as JSON and overrides the given configuration', () => {
    const config = resolveAgentConfiguration(
      { AGENT_RECEIVER_THREADS: 2 },
      { KADABRA_AGENT_RECEIVER_THREADS: '8', KADABRA_BATCHED_AGENT_INTERVAL_SECONDS: '0.5' },
    );
    assert.equal(config.AGENT_RECEIVER_THREADS, 8);
    assert.equal(config.BATCHED_AGENT_INTERVAL_SECONDS, 0.5);
    const client = resolveClientConfiguration(
      { CLIENT_DEFAULT_DIMENSIONS: { env: 'dev' } },
      { KADABRA_CLIENT_DEFAULT_DIMENSIONS: '{"env": "prod"}' },
    );
    assert.deepEqual(client.CLIENT_DEFAULT_DIMENSIONS, { env: 'prod' });
  });

  it('merges a *_ARGS dictionary over the given one', () => {
    const config = resolveAgentConfiguration(
      { AGENT_CHANNEL_ARGS: { host: 'redis.internal', port: 6400 } },
      { KADABRA_AGENT_CHANNEL_ARGS: '{"port": 6500}' },
    );
    assert.deepEqual(config.AGENT_CHANNEL_ARGS, { ...REDIS_CHANNEL_DEFAULT_ARGS, host: 'redis.internal', port: 6500 });
  });

  it('resets the given *_ARGS with null', () => {
    const config = resolveAgentConfiguration(
      { AGENT_CHANNEL_ARGS: { host: 'redis.internal' } },
      { KADABRA_AGENT_CHANNEL_ARGS: 'null' },
    );
    assert.deepEqual(config.AGENT_CHANNEL_ARGS, REDIS_CHANNEL_DEFAULT_ARGS);
  });

  it("reads only its own side's variables and ignores other KADABRA_ variables", () => {
    const env = {
      KADABRA_AGENT_RECEIVER_THREADS: 'not json',
      KADABRA_CLIENT_LOG_LEVEL: 'debug',
      KADABRA_SOMETHING_ELSE: '{',
      KADABRA_AGENT_NANY_THREADS: '4',
    };
    assert.equal(resolveClientConfiguration({}, env).CLIENT_LOG_LEVEL, 'debug');
    const agentEnv = { ...env, KADABRA_AGENT_RECEIVER_THREADS: '5' };
    assert.equal(resolveAgentConfiguration({}, agentEnv).AGENT_RECEIVER_THREADS, 5);
    assert.equal(resolveAgentConfiguration({}, agentEnv).AGENT_NANNY_THREADS, 3);
  });

  it('treats an empty variable as unset', () => {
    const config = resolveAgentConfiguration({}, { KADABRA_AGENT_TYPE: '', KADABRA_AGENT_RECEIVER_THREADS: '' });
    assert.equal(config.AGENT_TYPE, 'default');
    assert.equal(config.AGENT_RECEIVER_THREADS, 3);
  });

  it('reads process.env by default', () => {
    const saved = process.env.KADABRA_CLIENT_BUFFER_MAX_MESSAGES;
    process.env.KADABRA_CLIENT_BUFFER_MAX_MESSAGES = '42';
    try {
      assert.equal(resolveClientConfiguration().CLIENT_BUFFER_MAX_MESSAGES, 42);
    } finally {
      if (saved === undefined) delete process.env.KADABRA_CLIENT_BUFFER_MAX_MESSAGES;
      else process.env.KADABRA_CLIENT_BUFFER_MAX_MESSAGES = saved;
    }
  });

  it('rejects bad JSON, naming the variable', () => {
    const error = configurationErrorOf(
      () => resolveAgentConfiguration({}, { KADABRA_AGENT_RECEIVER_THREADS: 'three' }),
      'AGENT_RECEIVER_THREADS',
    );
    assert.match(error.message, /^KADABRA_AGENT_RECEIVER_THREADS is not valid JSON \(unexpected character at line 1, column 1; 5 characters, not shown\)\./);
    assert.match(error.message, /AGENT_RECEIVER_THREADS must be a positive integer, written as JSON \(e\.g\. 3\)$/);
    const args = configurationErrorOf(
      () => resolveAgentConfiguration({}, { KADABRA_AGENT_CHANNEL_ARGS: "{port: 6500}" }),
      'AGENT_CHANNEL_ARGS',
    );
    assert.match(args.message, /^KADABRA_AGENT_CHANNEL_ARGS is not valid JSON/);
  });

  it('rejects a wrong value, naming the variable it came from', () => {
    const error = configurationErrorOf(
      () => resolveAgentConfiguration({}, { KADABRA_AGENT_PUBLISHER_TYPE: 'influx' }),
      'AGENT_PUBLISHER_TYPE',
    );
    assert.equal(
      error.message,
      'AGENT_PUBLISHER_TYPE (from KADABRA_AGENT_PUBLISHER_TYPE) must be one of "debug", "influxdb", "postgres", "prometheus"; got "influx" (did you mean "influxdb"?)',
    );
    const number = configurationErrorOf(
      () => resolveAgentConfiguration({}, { KADABRA_AGENT_NANNY_THREADS: '"4"' }),
      'AGENT_NANNY_THREADS',
    );
    assert.equal(number.message, 'AGENT_NANNY_THREADS (from KADABRA_AGENT_NANNY_THREADS) must be a positive integer; got "4"');
  });

  it('names the variable for a bad argument it set, and not for one the configuration set', () => {
    const fromEnv = configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_CHANNEL_ARGS: { db: 1 } }, { KADABRA_AGENT_CHANNEL_ARGS: '{"port": "x"}' }),
      'AGENT_CHANNEL_ARGS.port',
    );
    assert.match(fromEnv.message, /^AGENT_CHANNEL_ARGS\.port \(from KADABRA_AGENT_CHANNEL_ARGS\) must be/);
    const fromInput = configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_CHANNEL_ARGS: { db: -1 } }, { KADABRA_AGENT_CHANNEL_ARGS: '{"port": 1}' }),
      'AGENT_CHANNEL_ARGS.db',
    );
    assert.equal(fromInput.message, 'AGENT_CHANNEL_ARGS.db must be a non-negative integer; got -1');
    const unknown = configurationErrorOf(
      () => resolveAgentConfiguration({}, { KADABRA_AGENT_CHANNEL_ARGS: '{"hots": "x"}' }),
      'AGENT_CHANNEL_ARGS.hots',
    );
    assert.match(unknown.message, /^AGENT_CHANNEL_ARGS\.hots \(from KADABRA_AGENT_CHANNEL_ARGS\) is not an argument/);
    assert.match(unknown.message, /did you mean host\?/);
  });

  it('still validates the given value when the environment replaces it', () => {
    configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_RECEIVER_THREADS: 'three' }, { KADABRA_AGENT_RECEIVER_THREADS: '4' }),
      'AGENT_RECEIVER_THREADS',
    );
  });
});
