import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { CHANNEL_TYPES } from '../../../src/channels/channel-types.js';
import {
  CONFIG_KEY_NAMES,
  CONFIG_KEYS,
  MAX_DURATION_SECONDS,
  MAX_TIMER_MS,
  MIN_DURATION_SECONDS,
  durationSeconds,
  resolveAgentConfiguration,
  resolveClientConfiguration,
  secondsToMilliseconds,
  type ConfigKeyName,
} from '../../../src/config/index.js';
import { createLogger } from '../../../src/logging/logger.js';
import { Counter } from '../../../src/metrics/counter.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { InfluxDBPublisher } from '../../../src/publishers/influxdb/influxdb-publisher.js';
import { PUBLISHER_TYPES } from '../../../src/publishers/publisher-types.js';
import { startFakeInflux, type FakeInflux } from '../publishers/influxdb/fake-influx.js';
import { configurationErrorOf } from './helpers.js';

/** Values reported to break the runtime (`2.01 * 1000` is 2009.9999999999998), and the edges. */
const REPORTED = [2.01, 2.03, 4.02, 1.0005, 0.001, 0.0015, 0.3, 1e-3, 59.999, MAX_DURATION_SECONDS];

/** Whether every runtime user of a delay takes `ms`: timers, and AbortSignal.timeout (uint32 only). */
function runtimeAccepts(ms: number): void {
  assert.ok(Number.isInteger(ms), `${ms} is not a whole number of ms`);
  assert.ok(ms >= 1 && ms <= MAX_TIMER_MS, `${ms} out of timer range`);
  AbortSignal.timeout(ms);
  clearTimeout(setTimeout(() => undefined, ms));
}

const SECONDS_KEYS = CONFIG_KEY_NAMES.filter((name) => name.endsWith('_SECONDS'));

/** Every duration argument of every channel and publisher type: `timeout` and `*_timeout`. */
const DURATION_ARGUMENTS = [
  ...Object.entries(CHANNEL_TYPES).flatMap(([type, spec]) =>
    Object.keys(spec.schema.shape)
      .filter((name) => /(^|_)timeout$/.test(name))
      .map((name) => ({ kind: 'channel' as const, type, name })),
  ),
  ...Object.entries(PUBLISHER_TYPES).flatMap(([type, spec]) =>
    Object.keys(spec.schema.shape)
      .filter((name) => /(^|_)timeout$/.test(name))
      .map((name) => ({ kind: 'publisher' as const, type, name })),
  ),
];

function resolveKey(key: ConfigKeyName, value: number): unknown {
  const input = { [key]: value };
  return CONFIG_KEYS[key].side === 'client'
    ? resolveClientConfiguration(input, {})[key as 'CLIENT_FLUSH_TIMEOUT_SECONDS']
    : resolveAgentConfiguration(input, {})[key as 'AGENT_NANNY_FREQUENCY_SECONDS'];
}

function resolveArgument(argument: (typeof DURATION_ARGUMENTS)[number], value: number): unknown {
  if (argument.kind === 'publisher') {
    const configuration = resolveAgentConfiguration(
      { AGENT_PUBLISHER_TYPE: argument.type, AGENT_PUBLISHER_ARGS: { [argument.name]: value } },
      {},
    );
    return (configuration.AGENT_PUBLISHER_ARGS as Record<string, unknown>)[argument.name];
  }
  const configuration = resolveClientConfiguration(
    { CLIENT_CHANNEL_TYPE: argument.type, CLIENT_CHANNEL_ARGS: { [argument.name]: value } },
    {},
  );
  return (configuration.CLIENT_CHANNEL_ARGS as Record<string, unknown>)[argument.name];
}

describe('duration settings (seconds -> whole milliseconds, once)', () => {
  it('finds the durations it checks', () => {
    assert.ok(SECONDS_KEYS.length >= 5, SECONDS_KEYS.join());
    const names = DURATION_ARGUMENTS.map((a) => `${a.type}.${a.name}`);
    for (const expected of ['redis.connect_timeout', 'sqlite.busy_timeout', 'influxdb.timeout']) {
      assert.ok(names.includes(expected), `${expected} in ${names.join()}`);
    }
  });

  it('converts every accepted value to an integer every timer and AbortSignal.timeout take (property)', () => {
    const schema = durationSeconds();
    fc.assert(
      fc.property(fc.double({ min: MIN_DURATION_SECONDS, max: MAX_DURATION_SECONDS, noNaN: true }), (seconds) => {
        assert.ok(schema.safeParse(seconds).success);
        runtimeAccepts(secondsToMilliseconds(seconds));
      }),
      { numRuns: 20_000, examples: REPORTED.map((value) => [value]) },
    );
  });

  it('converts fractional seconds of every magnitude near the reported ones (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 3 }), (units, scale) => {
        const seconds = units / 10 ** scale;
        if (seconds < MIN_DURATION_SECONDS) return;
        const ms = secondsToMilliseconds(seconds);
        runtimeAccepts(ms);
        assert.equal(ms, Math.round((units * 1000) / 10 ** scale));
      }),
      { numRuns: 5000 },
    );
  });

  it('gives the reported examples exactly', () => {
    assert.equal(secondsToMilliseconds(2.01), 2010);
    assert.equal(secondsToMilliseconds(2.03), 2030);
    assert.equal(secondsToMilliseconds(4.02), 4020);
    assert.equal(secondsToMilliseconds(1.0005), 1001);
    assert.equal(secondsToMilliseconds(MAX_DURATION_SECONDS), MAX_TIMER_MS);
  });

  it('refuses values outside the range, NaN and infinities (property)', () => {
    const schema = durationSeconds();
    const outside = fc.oneof(
      fc.double({ min: MAX_DURATION_SECONDS, noNaN: true, minExcluded: true }),
      fc.double({ max: MIN_DURATION_SECONDS, maxExcluded: true }),
      fc.constantFrom(0, -0, -1, Number.NaN, Infinity, -Infinity, 4.3e6, 4294967.296),
    );
    fc.assert(
      fc.property(outside, (seconds) => {
        assert.equal(schema.safeParse(seconds).success, false, String(seconds));
      }),
    );
  });

  for (const key of SECONDS_KEYS) {
    it(`${key} accepts fractions the runtime can use and refuses what it cannot`, () => {
      for (const value of REPORTED) runtimeAccepts(secondsToMilliseconds(resolveKey(key, value) as number));
      const error = configurationErrorOf(() => resolveKey(key, 4.3e6), key);
      assert.match(error.message, /a number of seconds from 0\.001 to 2147483\.647/);
      assert.match(error.message, /4300000/);
    });
  }

  for (const argument of DURATION_ARGUMENTS) {
    const argsKey = argument.kind === 'channel' ? 'CLIENT_CHANNEL_ARGS' : 'AGENT_PUBLISHER_ARGS';
    it(`${argument.type} argument ${argument.name} accepts fractions the runtime can use and refuses what it cannot`, () => {
      for (const value of REPORTED) runtimeAccepts(secondsToMilliseconds(resolveArgument(argument, value) as number));
      const error = configurationErrorOf(() => resolveArgument(argument, 4.3e6), `${argsKey}.${argument.name}`);
      assert.match(error.message, /a number of seconds from 0\.001 to 2147483\.647/);
      configurationErrorOf(() => resolveArgument(argument, 0.0004), `${argsKey}.${argument.name}`);
    });
  }
});

describe('InfluxDB publisher with a fractional timeout', () => {
  let fake: FakeInflux | undefined;
  afterEach(async () => {
    await fake?.close();
  });

  for (const timeout of [2.01, 2.03, 4.02, 1.0005]) {
    it(`writes with "timeout": ${timeout} (the request's timer takes the converted value)`, async () => {
      fake = await startFakeInflux();
      const publisher = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: fake.port, timeout }, logger: createLogger({ level: 'silent' }) });
      try {
        const message = new Metrics([], [new Counter('c', 1_704_164_645_123_456n, {}, 1)], [], undefined, 'fixed');
        assert.deepEqual(await publisher.publish([message]), { rejected: [] });
        assert.equal(fake.requests.length, 1);
      } finally {
        await publisher.close();
      }
    });
  }
});
