import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDIS_CHANNEL_DEFAULT_ARGS } from '../../../src/channels/redis/redis-channel-args.js';
import {
  CONFIG_KEYS,
  configKeysOf,
  resolveAgentConfiguration,
  resolveClientConfiguration,
} from '../../../src/config/index.js';
import { INFLUXDB_PUBLISHER_DEFAULT_ARGS } from '../../../src/publishers/influxdb/influxdb-publisher-args.js';
import { configurationErrorOf } from './helpers.js';

const NO_ENV = {};

describe('resolveClientConfiguration', () => {
  it('gives the defaults with complete channel args when nothing is configured', () => {
    for (const input of [undefined, null, {}]) {
      const config = resolveClientConfiguration(input, NO_ENV);
      assert.deepEqual(Object.keys(config), configKeysOf('client'));
      assert.deepEqual(config.CLIENT_DEFAULT_DIMENSIONS, {});
      assert.equal(config.CLIENT_TIMESTAMP_FORMAT, '%Y-%m-%dT%H:%M:%S.%fZ');
      assert.equal(config.CLIENT_CHANNEL_TYPE, 'redis');
      assert.deepEqual(config.CLIENT_CHANNEL_ARGS, REDIS_CHANNEL_DEFAULT_ARGS);
      assert.equal(config.CLIENT_BUFFER_MAX_MESSAGES, 100000);
      assert.equal(config.CLIENT_FLUSH_TIMEOUT_SECONDS, 5);
      assert.equal(config.CLIENT_OVERFLOW_LOG_INTERVAL_SECONDS, 10);
      assert.equal(config.CLIENT_LOG_LEVEL, 'info');
    }
  });

  it('merges CLIENT_CHANNEL_ARGS over the channel defaults (the original\'s example)', () => {
    const config = resolveClientConfiguration({ CLIENT_CHANNEL_ARGS: { port: 6500 } }, NO_ENV);
    assert.deepEqual(config.CLIENT_CHANNEL_ARGS, { ...REDIS_CHANNEL_DEFAULT_ARGS, port: 6500 });
  });

  it('treats undefined values, at the top and inside args, as not set', () => {
    const config = resolveClientConfiguration(
      { CLIENT_LOG_LEVEL: undefined, CLIENT_CHANNEL_ARGS: { port: undefined, db: 2 } },
      NO_ENV,
    );
    assert.equal(config.CLIENT_LOG_LEVEL, 'info');
    assert.ok(config.CLIENT_CHANNEL_TYPE === 'redis');
    assert.equal(config.CLIENT_CHANNEL_ARGS.port, 6379);
    assert.equal(config.CLIENT_CHANNEL_ARGS.db, 2);
  });

  it('accepts fractional seconds and every pino level', () => {
    const config = resolveClientConfiguration(
      { CLIENT_FLUSH_TIMEOUT_SECONDS: 0.25, CLIENT_LOG_LEVEL: 'silent' },
      NO_ENV,
    );
    assert.equal(config.CLIENT_FLUSH_TIMEOUT_SECONDS, 0.25);
    assert.equal(config.CLIENT_LOG_LEVEL, 'silent');
  });

  it('ignores agent keys, even invalid ones (one file may serve both)', () => {
    const config = resolveClientConfiguration(
      {
        CLIENT_DEFAULT_DIMENSIONS: { env: 'prod' },
        AGENT_RECEIVER_THREADS: 'three',
        AGENT_PUBLISHER_TYPE: 'nonsense',
        BATCHED_AGENT_INTERVAL_SECONDS: -1,
      },
      NO_ENV,
    );
    assert.deepEqual(config.CLIENT_DEFAULT_DIMENSIONS, { env: 'prod' });
    assert.ok(!('AGENT_RECEIVER_THREADS' in config));
  });

  it('returns a deeply frozen result and does not keep the caller\'s objects', () => {
    const dimensions = { env: 'prod' };
    const args = { port: 6500 };
    const config = resolveClientConfiguration({ CLIENT_DEFAULT_DIMENSIONS: dimensions, CLIENT_CHANNEL_ARGS: args }, NO_ENV);
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.CLIENT_DEFAULT_DIMENSIONS));
    assert.ok(Object.isFrozen(config.CLIENT_CHANNEL_ARGS));
    assert.notEqual(config.CLIENT_DEFAULT_DIMENSIONS, dimensions);
    assert.ok(!Object.isFrozen(dimensions) && !Object.isFrozen(args));
    assert.throws(() => {
      (config as { CLIENT_LOG_LEVEL: string }).CLIENT_LOG_LEVEL = 'debug';
    }, TypeError);
  });

  it('resolves its own result to an equal configuration', () => {
    const config = resolveClientConfiguration({ CLIENT_CHANNEL_ARGS: { db: 3 } }, NO_ENV);
    assert.deepEqual(resolveClientConfiguration(config, NO_ENV), config);
  });
});

describe('resolveAgentConfiguration', () => {
  it('gives the defaults with complete channel and publisher args', () => {
    const config = resolveAgentConfiguration(undefined, NO_ENV);
    assert.deepEqual(Object.keys(config), configKeysOf('agent'));
    for (const key of configKeysOf('agent')) {
      if (key.endsWith('_ARGS')) continue;
      assert.deepEqual(config[key as keyof typeof config], CONFIG_KEYS[key].default, key);
    }
    assert.deepEqual(config.AGENT_CHANNEL_ARGS, REDIS_CHANNEL_DEFAULT_ARGS);
    assert.deepEqual(config.AGENT_PUBLISHER_ARGS, { logger_name: 'kadabra.publisher' });
  });

  it('merges publisher args over the chosen publisher type (the original\'s example)', () => {
    const config = resolveAgentConfiguration(
      { AGENT_CHANNEL_ARGS: { port: 6500 }, AGENT_PUBLISHER_TYPE: 'influxdb', AGENT_PUBLISHER_ARGS: { timeout: 2.5 } },
      NO_ENV,
    );
    assert.ok(config.AGENT_CHANNEL_TYPE === 'redis');
    assert.equal(config.AGENT_CHANNEL_ARGS.port, 6500);
    assert.equal(config.AGENT_CHANNEL_ARGS.host, 'localhost');
    assert.equal(config.AGENT_PUBLISHER_TYPE, 'influxdb');
    if (config.AGENT_PUBLISHER_TYPE === 'influxdb') {
      // Narrowed by the discriminated type: no cast needed.
      assert.deepEqual(config.AGENT_PUBLISHER_ARGS, { ...INFLUXDB_PUBLISHER_DEFAULT_ARGS, timeout: 2.5 });
    }
    assert.ok(Object.isFrozen(config.AGENT_PUBLISHER_ARGS));
  });

  it('ignores client keys, even invalid ones', () => {
    const config = resolveAgentConfiguration(
      { CLIENT_CHANNEL_TYPE: 'kafka', CLIENT_DEFAULT_DIMENSIONS: 5, AGENT_TYPE: 'batched' },
      NO_ENV,
    );
    assert.equal(config.AGENT_TYPE, 'batched');
    assert.ok(!('CLIENT_CHANNEL_TYPE' in config));
  });

  it('accepts fractional seconds', () => {
    const config = resolveAgentConfiguration(
      { BATCHED_AGENT_INTERVAL_SECONDS: 0.5, AGENT_NANNY_THRESHOLD_SECONDS: 1.5 },
      NO_ENV,
    );
    assert.equal(config.BATCHED_AGENT_INTERVAL_SECONDS, 0.5);
    assert.equal(config.AGENT_NANNY_THRESHOLD_SECONDS, 1.5);
  });
});

describe('configuration errors', () => {
  it('rejects input that is not a plain object', () => {
    for (const input of [[1, 2], 'AGENT_TYPE', 42, new Map(), new Date(0)]) {
      const error = configurationErrorOf(() => resolveAgentConfiguration(input, NO_ENV), '');
      assert.match(error.message, /must be a plain object/);
    }
    const error = configurationErrorOf(() => resolveClientConfiguration([1, 2], NO_ENV), '');
    assert.match(error.message, /got an array of 2 items/);
  });

  it('rejects a key of neither side, suggesting the nearest key', () => {
    const error = configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_NANY_THREADS: 4 }, NO_ENV),
      'AGENT_NANY_THREADS',
    );
    assert.match(error.message, /^AGENT_NANY_THREADS is not a configuration key \(did you mean AGENT_NANNY_THREADS\?\)\. Known keys: /);
    assert.match(error.message, /did you mean AGENT_NANNY_THREADS\?/);
    assert.match(error.message, /Known keys: CLIENT_DEFAULT_DIMENSIONS, .*AGENT_LOG_LEVEL/);
  });

  it('rejects unknown keys on both sides, whichever side they look like', () => {
    configurationErrorOf(() => resolveClientConfiguration({ AGENT_NANY_THREADS: 4 }, NO_ENV), 'AGENT_NANY_THREADS');
    const error = configurationErrorOf(
      () => resolveAgentConfiguration({ client_log_level: 'debug' }, NO_ENV),
      'client_log_level',
    );
    assert.match(error.message, /did you mean CLIENT_LOG_LEVEL\?/);
    const prefixed = configurationErrorOf(
      () => resolveAgentConfiguration({ KADABRA_AGENT_TYPE: 'batched' }, NO_ENV),
      'KADABRA_AGENT_TYPE',
    );
    assert.match(prefixed.message, /did you mean AGENT_TYPE\?/);
    const unrelated = configurationErrorOf(() => resolveAgentConfiguration({ COLOUR: 'blue' }, NO_ENV), 'COLOUR');
    assert.doesNotMatch(unrelated.message, /did you mean/);
  });

  it('rejects a wrong type, quoting the value and saying what is accepted', () => {
    const error = configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_RECEIVER_THREADS: 'three' }, NO_ENV),
      'AGENT_RECEIVER_THREADS',
    );
    assert.equal(error.message, 'AGENT_RECEIVER_THREADS must be a positive integer; got "three"');

    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ AGENT_RECEIVER_THREADS: 0 }, 'AGENT_RECEIVER_THREADS', /must be a positive integer; got 0$/],
      [{ AGENT_NANNY_QUERY_LIMIT: 2.5 }, 'AGENT_NANNY_QUERY_LIMIT', /must be a positive integer; got 2\.5$/],
      [{ BATCHED_AGENT_INTERVAL_SECONDS: -1 }, 'BATCHED_AGENT_INTERVAL_SECONDS', /must be a number of seconds from 0\.001 to 2147483\.647; got -1$/],
      [{ BATCHED_AGENT_INTERVAL_SECONDS: 1e9 }, 'BATCHED_AGENT_INTERVAL_SECONDS', /got 1000000000$/],
      [{ AGENT_NANNY_FREQUENCY_SECONDS: Infinity }, 'AGENT_NANNY_FREQUENCY_SECONDS', /got Infinity$/],
      [{ AGENT_NANNY_FREQUENCY_SECONDS: NaN }, 'AGENT_NANNY_FREQUENCY_SECONDS', /got NaN$/],
      [{ AGENT_LOGGER_NAME: '' }, 'AGENT_LOGGER_NAME', /must be a non-empty string; got ""$/],
      [{ AGENT_TYPE: 'Batched' }, 'AGENT_TYPE', /must be one of "default", "batched"; got "Batched" \(did you mean "batched"\?\)$/],
      [{ AGENT_LOG_LEVEL: 'warning' }, 'AGENT_LOG_LEVEL', /one of "fatal", "error", "warn", "info", "debug", "trace", "silent"; got "warning" \(did you mean "warn"\?\)/],
      [{ AGENT_LOG_FORMAT: 'text' }, 'AGENT_LOG_FORMAT', /must be one of "auto", "json", "pretty"; got "text"$/],
      [{ AGENT_CHANNEL_ARGS: 'localhost:6379' }, 'AGENT_CHANNEL_ARGS', /must be an object or null; got a string of 14 characters$/],
      [{ AGENT_CHANNEL_ARGS: [6379] }, 'AGENT_CHANNEL_ARGS', /must be an object or null; got an array of 1 item$/],
    ];
    for (const [input, key, message] of cases) {
      const caught = configurationErrorOf(() => resolveAgentConfiguration(input, NO_ENV), key);
      assert.match(caught.message, message);
      assert.ok(caught.message.startsWith(`${key} must be`), caught.message);
    }
  });

  it('names the dimension whose value is not a string', () => {
    const error = configurationErrorOf(
      () => resolveClientConfiguration({ CLIENT_DEFAULT_DIMENSIONS: { env: 'prod', build: 42 } }, NO_ENV),
      'CLIENT_DEFAULT_DIMENSIONS.build',
    );
    assert.equal(error.message, 'CLIENT_DEFAULT_DIMENSIONS.build must be a string; got 42');
    const whole = configurationErrorOf(
      () => resolveClientConfiguration({ CLIENT_DEFAULT_DIMENSIONS: ['env'] }, NO_ENV),
      'CLIENT_DEFAULT_DIMENSIONS',
    );
    assert.match(whole.message, /must be an object of strings; got an array of 1 item/);
  });

  it('rejects an unknown channel or publisher type, listing the known ones', () => {
    const channel = configurationErrorOf(
      () => resolveClientConfiguration({ CLIENT_CHANNEL_TYPE: 'kafka' }, NO_ENV),
      'CLIENT_CHANNEL_TYPE',
    );
    assert.equal(channel.message, 'CLIENT_CHANNEL_TYPE must be one of "redis", "redis-streams", "sqlite"; got "kafka"');
    const publisher = configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_PUBLISHER_TYPE: 'influx' }, NO_ENV),
      'AGENT_PUBLISHER_TYPE',
    );
    assert.equal(
      publisher.message,
      'AGENT_PUBLISHER_TYPE must be one of "debug", "influxdb", "postgres", "prometheus"; got "influx" (did you mean "influxdb"?)',
    );
  });

  it('rejects an unknown argument, naming it and listing the accepted ones', () => {
    const error = configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_CHANNEL_ARGS: { prot: 6500 } }, NO_ENV),
      'AGENT_CHANNEL_ARGS.prot',
    );
    assert.match(error.message, /^AGENT_CHANNEL_ARGS\.prot is not an argument of channel type "redis" \(did you mean port\?\)/);
    assert.match(error.message, /did you mean port\?/);
    assert.match(error.message, /Accepted arguments: host, port, db, logger, queue_key, inprogress_key/);

    // Args are checked against the chosen type: the debug publisher has no `host`.
    const publisher = configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_PUBLISHER_ARGS: { host: 'influx' } }, NO_ENV),
      'AGENT_PUBLISHER_ARGS.host',
    );
    assert.match(publisher.message, /not an argument of publisher type "debug"\. Accepted arguments: logger_name$/);
  });

  it('rejects a wrong argument value, naming the argument path', () => {
    const port = configurationErrorOf(
      () => resolveClientConfiguration({ CLIENT_CHANNEL_ARGS: { port: '6500' } }, NO_ENV),
      'CLIENT_CHANNEL_ARGS.port',
    );
    assert.equal(port.message, 'CLIENT_CHANNEL_ARGS.port must be an integer from 1 to 65535; got "6500"');
    const timeout = configurationErrorOf(
      () =>
        resolveAgentConfiguration(
          { AGENT_PUBLISHER_TYPE: 'influxdb', AGENT_PUBLISHER_ARGS: { timeout: 0 } },
          NO_ENV,
        ),
      'AGENT_PUBLISHER_ARGS.timeout',
    );
    assert.equal(timeout.message, 'AGENT_PUBLISHER_ARGS.timeout must be a number of seconds from 0.001 to 2147483.647; got 0');
    const nulled = configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_CHANNEL_ARGS: { host: null } }, NO_ENV),
      'AGENT_CHANNEL_ARGS.host',
    );
    assert.equal(nulled.message, 'AGENT_CHANNEL_ARGS.host must be a non-empty string; got null');
  });

  it('never shows credentials in messages', () => {
    const password = configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_CHANNEL_ARGS: { password: 12345 } }, NO_ENV),
      'AGENT_CHANNEL_ARGS.password',
    );
    assert.doesNotMatch(password.message, /12345/);
    assert.match(password.message, /\[redacted\]/);
    const typo = configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_CHANNEL_ARGS: { passwd: 's3cret' } }, NO_ENV),
      'AGENT_CHANNEL_ARGS.passwd',
    );
    assert.doesNotMatch(typo.message, /s3cret/);
    assert.match(typo.message, /did you mean password\?/);
    const url = configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_CHANNEL_ARGS: { url: 'http://user:s3cret@redis:6379' } }, NO_ENV),
      'AGENT_CHANNEL_ARGS.url',
    );
    assert.doesNotMatch(url.message, /s3cret/);
    assert.match(url.message, /must be a string matching \/\^rediss\?:\\\/\\\/\/; got "http:\/\/user:\[redacted\]@redis:6379"/);
  });

  it('truncates long values', () => {
    const error = configurationErrorOf(
      () => resolveAgentConfiguration({ AGENT_LOGGER_NAME: Array.from({ length: 500 }, (_, i) => i) }, NO_ENV),
      'AGENT_LOGGER_NAME',
    );
    assert.match(error.message, /^AGENT_LOGGER_NAME must be a non-empty string; got an array of 500 items$/);
  });
});
