// A configuration is validated once, where it enters (resolveAgentConfiguration, or a
// constructor given raw arguments); what it yields is handed on and not parsed again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent } from '../../../src/agent/agent.js';
import { RedisChannel } from '../../../src/channels/redis/redis-channel.js';
import { isAgentConfiguration, resolveAgentConfiguration } from '../../../src/config/index.js';
import { createLogger } from '../../../src/logging/logger.js';
import { createPublisher } from '../../../src/publishers/create-publisher.js';
import { DebugPublisher } from '../../../src/publishers/debug/debug-publisher.js';
import { InfluxDBPublisher } from '../../../src/publishers/influxdb/influxdb-publisher.js';
import { MemoryChannel } from '../../support/memory-channel.js';
import { configurationErrorOf } from './helpers.js';

const silent = createLogger({ level: 'silent' });

describe('configuration validated once, at the edge', () => {
  it('the agent uses a resolved configuration as it is, and resolves anything else', () => {
    const resolved = resolveAgentConfiguration({ AGENT_TYPE: 'batched' }, {});
    assert.ok(isAgentConfiguration(resolved));
    assert.ok(!isAgentConfiguration({ ...resolved }), 'a copy is not known to be resolved');
    const agent = new Agent(resolved, { channel: new MemoryChannel(), logger: silent, env: {} });
    assert.equal(agent.configuration, resolved);
    const fromRaw = new Agent({ AGENT_TYPE: 'batched' }, { channel: new MemoryChannel(), logger: silent, env: {} });
    assert.notEqual(fromRaw.configuration, resolved);
    assert.deepEqual(fromRaw.configuration, resolved);
  });

  it('publishers and channels keep the arguments the configuration resolved', async () => {
    const config = resolveAgentConfiguration(
      { AGENT_PUBLISHER_TYPE: 'influxdb', AGENT_PUBLISHER_ARGS: { port: 18086 }, AGENT_CHANNEL_ARGS: { db: 3 } },
      {},
    );
    assert.equal(config.AGENT_PUBLISHER_TYPE, 'influxdb');
    const publisher = createPublisher(config.AGENT_PUBLISHER_TYPE, config.AGENT_PUBLISHER_ARGS, silent);
    assert.ok(publisher instanceof InfluxDBPublisher);
    assert.equal(publisher.args, config.AGENT_PUBLISHER_ARGS);
    await publisher.close();
    assert.equal(config.AGENT_CHANNEL_TYPE, 'redis');
    const channel = new RedisChannel(config.AGENT_CHANNEL_ARGS, silent);
    assert.equal(channel.args, config.AGENT_CHANNEL_ARGS);
    await channel.close();
  });

  it('arguments given directly are merged over the defaults, validated and frozen', async () => {
    const publisher = new DebugPublisher({ args: { logger_name: 'mine' }, logger: silent });
    assert.deepEqual(publisher.args, { logger_name: 'mine' });
    assert.ok(Object.isFrozen(publisher.args));
    const influx = new InfluxDBPublisher({ args: { port: 18086, timeout: undefined }, logger: silent });
    assert.equal(influx.args.timeout, InfluxDBPublisher.DEFAULT_ARGS.timeout, 'undefined keeps the default');
    await influx.close();
  });

  it('a bad argument given directly is reported as in a configuration, with the type it belongs to', () => {
    const port = configurationErrorOf(() => new InfluxDBPublisher({ args: { port: 0 } }), 'AGENT_PUBLISHER_ARGS.port');
    assert.equal(port.message, 'AGENT_PUBLISHER_ARGS.port of publisher "influxdb" must be an integer from 1 to 65535; got 0');
    const password = configurationErrorOf(
      () => createPublisher('influxdb', { password: 42 }, silent),
      'AGENT_PUBLISHER_ARGS.password',
    );
    assert.doesNotMatch(password.message, /42/, 'a credential is never shown');
    const unknown = configurationErrorOf(() => createPublisher('debug', { loger_name: 'x' }, silent), 'AGENT_PUBLISHER_ARGS.loger_name');
    assert.match(unknown.message, /is not an argument of publisher type "debug" \(did you mean logger_name\?\)\. Accepted arguments: logger_name$/);
    const channel = configurationErrorOf(() => new RedisChannel({ port: 'x' as never }, silent), 'CHANNEL_ARGS.port');
    assert.equal(channel.message, 'CHANNEL_ARGS.port of channel "redis" must be an integer from 1 to 65535; got "x"');
  });
});
