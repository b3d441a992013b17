import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHANNEL_TYPES } from '../../../src/channels/channel-types.js';
import { PUBLISHER_TYPES } from '../../../src/publishers/publisher-types.js';
import type { ChannelArgsByType, PublisherArgsByType } from '../../../src/config/index.js';
import { CONFIG_KEYS, CONFIG_KEY_NAMES, configKeysOf } from '../../../src/config/index.js';

describe('CONFIG_KEYS', () => {
  it("holds Python Kadabra 0.5.0's keys with its defaults", () => {
    const original: Record<string, unknown> = {
      CLIENT_DEFAULT_DIMENSIONS: {},
      CLIENT_TIMESTAMP_FORMAT: '%Y-%m-%dT%H:%M:%S.%fZ',
      CLIENT_CHANNEL_TYPE: 'redis',
      CLIENT_CHANNEL_ARGS: null,
      AGENT_LOGGER_NAME: 'kadabra.agent',
      AGENT_TYPE: 'default',
      AGENT_CHANNEL_TYPE: 'redis',
      AGENT_CHANNEL_ARGS: null,
      AGENT_PUBLISHER_TYPE: 'debug',
      AGENT_PUBLISHER_ARGS: null,
      AGENT_RECEIVER_THREADS: 3,
      BATCHED_AGENT_INTERVAL_SECONDS: 60,
      BATCHED_AGENT_MAX_BATCH_SIZE: 10000,
      AGENT_NANNY_FREQUENCY_SECONDS: 30,
      AGENT_NANNY_THRESHOLD_SECONDS: 60,
      AGENT_NANNY_QUERY_LIMIT: 5000,
      AGENT_NANNY_THREADS: 3,
      // In the original's code though missing from its table.
      BATCHED_AGENT_NANNY_MAX_BATCH_SIZE: 10000,
    };
    for (const [name, value] of Object.entries(original)) {
      assert.ok(Object.hasOwn(CONFIG_KEYS, name), name);
      assert.deepEqual(CONFIG_KEYS[name as keyof typeof CONFIG_KEYS].default, value, name);
    }
  });

  it("holds this port's keys with their defaults", () => {
    assert.equal(CONFIG_KEYS.CLIENT_BUFFER_MAX_MESSAGES.default, 100000);
    assert.equal(CONFIG_KEYS.CLIENT_BUFFER_MAX_BYTES.default, 64 * 1024 * 1024);
    assert.equal(CONFIG_KEYS.CLIENT_MESSAGE_MAX_BYTES.default, 1024 * 1024);
    assert.equal(CONFIG_KEYS.CLIENT_FLUSH_TIMEOUT_SECONDS.default, 5);
    assert.equal(CONFIG_KEYS.CLIENT_OVERFLOW_LOG_INTERVAL_SECONDS.default, 10);
    assert.equal(CONFIG_KEYS.CLIENT_LOG_LEVEL.default, 'info');
    assert.equal(CONFIG_KEYS.AGENT_LOG_LEVEL.default, 'info');
    assert.equal(CONFIG_KEYS.AGENT_LOG_FORMAT.default, 'auto');
    assert.equal(CONFIG_KEYS.AGENT_RECEIVER_MAX_BATCH_SIZE.default, 250);
    assert.equal(CONFIG_KEYS.AGENT_MESSAGE_MAX_BYTES.default, 1_048_576);
    assert.equal(CONFIG_KEYS.AGENT_RECEIVER_MAX_BATCH_BYTES.default, 8_388_608);
    assert.equal(CONFIG_KEYS.AGENT_NANNY_MAX_BATCH_BYTES.default, 8_388_608);
    assert.equal(CONFIG_KEYS.AGENT_MAX_DELIVERIES.default, 10);
    assert.equal(CONFIG_KEYS.AGENT_HTTP_HOST.default, '127.0.0.1');
    assert.equal(CONFIG_KEYS.AGENT_HTTP_PORT.default, null);
    assert.equal(CONFIG_KEYS.AGENT_HTTP_TOKEN.default, null);
    assert.equal(CONFIG_KEYS.AGENT_HTTP_TOKEN.environment, 'text', 'a token is read from the environment as it is');
    assert.equal(CONFIG_KEYS.CLIENT_RUNTIME_METRICS_INTERVAL_SECONDS.default, null);
    assert.equal(CONFIG_KEY_NAMES.length, 35);
  });

  it('gives every key a side matching its prefix, a description, and a default its schema accepts', () => {
    for (const name of CONFIG_KEY_NAMES) {
      const spec = CONFIG_KEYS[name];
      assert.equal(spec.side, name.startsWith('CLIENT_') ? 'client' : 'agent', name);
      assert.ok(spec.description.length > 0, name);
      assert.ok(spec.schema.safeParse(spec.default).success, name);
    }
    assert.deepEqual(
      [...configKeysOf('client'), ...configKeysOf('agent')].sort(),
      [...CONFIG_KEY_NAMES].sort(),
    );
  });

  it('has type maps in step with the channel and publisher registries', () => {
    const channelTypes: Record<keyof ChannelArgsByType, true> = { redis: true, 'redis-streams': true, sqlite: true };
    const publisherTypes: Record<keyof PublisherArgsByType, true> = { debug: true, influxdb: true, postgres: true, prometheus: true };
    assert.deepEqual(Object.keys(channelTypes).sort(), Object.keys(CHANNEL_TYPES).sort());
    assert.deepEqual(Object.keys(publisherTypes).sort(), Object.keys(PUBLISHER_TYPES).sort());
  });
});
