import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors/configuration-error.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { createPublisher } from '../../../src/publishers/create-publisher.js';
import { DebugPublisher } from '../../../src/publishers/debug/debug-publisher.js';
import { InfluxDBPublisher } from '../../../src/publishers/influxdb/influxdb-publisher.js';
import { captureLogger, counterMessage, silentLogger } from './helpers.js';

describe('DebugPublisher', () => {
  it('logs each message with metrics at INFO on logger_name, as the wire dictionary', async () => {
    const { logger, lines } = captureLogger('info');
    const publisher = new DebugPublisher({ args: { logger_name: 'my.metrics' }, logger });
    const message = counterMessage('requests', 3);
    const outcome = await publisher.publish([message, new Metrics([], [], [])]);
    assert.deepEqual(outcome, { rejected: [] });
    assert.equal(lines.length, 1, 'the empty message is not logged');
    assert.equal(lines[0]?.name, 'my.metrics');
    assert.equal(lines[0]?.level, 30);
    const wire = lines[0]?.['metrics'] as Record<string, unknown>;
    assert.deepEqual(wire['counters'], JSON.parse(JSON.stringify(message.serialize()))['counters']);
    assert.equal(wire['timestamp_format'], '%Y-%m-%dT%H:%M:%S.%fZ');
  });

  it('logs nothing for an empty batch', async () => {
    const { logger, lines } = captureLogger('info');
    await new DebugPublisher({ logger }).publish([]);
    assert.equal(lines.length, 0);
  });

  it('has the original\'s DEFAULT_ARGS', () => {
    assert.deepEqual({ ...DebugPublisher.DEFAULT_ARGS }, { logger_name: 'kadabra.publisher' });
  });
});

describe('createPublisher', () => {
  it('builds a debug publisher from merged args', () => {
    assert.ok(createPublisher('debug', {}, silentLogger()) instanceof DebugPublisher);
  });

  it('builds an InfluxDB publisher from its arguments', async () => {
    const publisher = createPublisher('influxdb', { port: 18086 }, silentLogger());
    assert.ok(publisher instanceof InfluxDBPublisher);
    await publisher.close();
  });

  it('rejects an unknown type listing the known ones', () => {
    assert.throws(
      () => createPublisher('kafka', {}, silentLogger()),
      (error: unknown) => error instanceof ConfigurationError && /debug/.test(error.message) && /kafka/.test(error.message),
    );
  });

  it('rejects bad arguments naming them', () => {
    assert.throws(
      () => createPublisher('debug', { logger_name: 5 }, silentLogger()),
      (error: unknown) => error instanceof ConfigurationError && error.key === 'AGENT_PUBLISHER_ARGS.logger_name',
    );
  });
});
