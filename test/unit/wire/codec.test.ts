import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { WireFormatError } from '../../../src/errors/wire-format-error.js';
import { nowMicros } from '../../../src/time/clock.js';
import { Counter } from '../../../src/metrics/counter.js';
import { Dimension } from '../../../src/metrics/dimension.js';
import { DEFAULT_TIMESTAMP_FORMAT, Metrics } from '../../../src/metrics/metrics.js';
import { Timer } from '../../../src/metrics/timer.js';
import { Gauge } from '../../../src/metrics/gauge.js';
import { parseTimestamp } from '../../support/timestamp-text.js';
import { Unit, Units } from '../../../src/metrics/unit.js';
import { decodeMetrics, encodeMetrics } from '../../../src/wire/codec.js';
import { anyMessage, buildMessage } from '../metrics/arbitraries.js';
import { pyDumps } from './py-dumps.js';
import { askPython, b64 } from './python-oracle.js';

const T = 1_704_164_645_123_456n;
const TS = '2024-01-02T03:04:05.123456Z';

/** A valid message as a plain object, for tests to break one key at a time. */
function message(): Record<string, unknown> {
  return {
    dimensions: [{ name: 'host', value: 'web-01' }],
    counters: [
      { name: 'a', metadata: {}, timestamp: TS, value: 1 },
      { name: 'b', metadata: { k: 'v' }, timestamp: TS, value: 2.5 },
    ],
    timers: [{ name: 't', unit: { name: 'milliseconds', seconds_offset: 1000 }, metadata: {}, timestamp: TS, value: 1.5 }],
    timestamp_format: DEFAULT_TIMESTAMP_FORMAT,
    serialized_at: TS,
  };
}

function rejectsWire(input: unknown, pattern: RegExp): void {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  assert.throws(
    () => decodeMetrics(text),
    (e: unknown) => e instanceof WireFormatError && pattern.test(e.message),
    `${pattern} for ${text}`,
  );
}

describe('decodeMetrics accepts any valid JSON encoding', () => {
  test('compact separators, other key order, integer values, raw UTF-8, missing serialized_at', () => {
    const raw = Buffer.from(
      '{"timestamp_format":"%Y-%m-%dT%H:%M:%S.%fZ","timers":[{"value":2,"timestamp":"' + TS +
        '","metadata":{"é":"日本 🚀"},"unit":{"seconds_offset":1,"name":"seconds"},"name":"t"}],' +
        '"counters":[{"value":3,"timestamp":"' + TS + '","name":"ñ"}],"dimensions":[{"value":"v","name":"d"}]}',
      'utf8',
    );
    const m = decodeMetrics(raw);
    assert.equal(m.serializedAt, undefined);
    assert.deepEqual(m.dimensions, [new Dimension('d', 'v')]);
    assert.deepEqual(m.counters, [new Counter('ñ', T, {}, 3)]);
    assert.equal(m.timers[0]?.unit, Units.SECONDS);
    assert.deepEqual(m.timers[0]?.metadata, { é: '日本 🚀' });
    assert.equal(m.timers[0]?.value, 2);
    assert.match(encodeMetrics(m), /"value": 3\.0\}\], "timers"/);
  });

  test('metadata missing or null is {}; number and boolean values become JSON text', () => {
    const msg = message();
    const counters = msg.counters as Array<Record<string, unknown>>;
    delete counters[0]?.metadata;
    (counters[1] as Record<string, unknown>).metadata = { n: 1.5, i: 7, t: true, f: false };
    (msg.timers as Array<Record<string, unknown>>)[0]!.metadata = null;
    const m = decodeMetrics(JSON.stringify(msg));
    assert.deepEqual(m.counters[0]?.metadata, {});
    assert.deepEqual(m.counters[1]?.metadata, { n: '1.5', i: '7', t: 'true', f: 'false' });
    assert.deepEqual(m.timers[0]?.metadata, {});
  });

  test('a __proto__ metadata key stays an ordinary key', () => {
    const m = decodeMetrics(
      '{"dimensions": [], "counters": [{"name": "a", "metadata": {"__proto__": "x"}, "timestamp": "' + TS +
        '", "value": 1.0}], "timers": [], "timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ", "serialized_at": "' + TS + '"}',
    );
    const md = m.counters[0]?.metadata ?? {};
    assert.deepEqual(Object.keys(md), ['__proto__']);
    assert.equal(Object.getPrototypeOf(md), Object.prototype);
    assert.match(encodeMetrics(m), /"metadata": \{"__proto__": "x"\}/);
  });

  test('timestamps are parsed with the message own format; serialized_at null counts as missing', () => {
    const m = decodeMetrics(
      JSON.stringify({
        dimensions: [],
        counters: [{ name: 'a', metadata: {}, timestamp: '02/01/2024 03:04:05', value: 1 }],
        timers: [],
        timestamp_format: '%d/%m/%Y %H:%M:%S',
        serialized_at: null,
      }),
    );
    assert.equal(m.counters[0]?.timestamp, T - 123_456n);
    assert.equal(m.serializedAt, undefined);
  });
});

describe('decodeMetrics rejects what it cannot read, naming the path', () => {
  test('not UTF-8, not JSON, NaN/Infinity tokens', () => {
    assert.throws(() => decodeMetrics(Buffer.from([0x7b, 0xff, 0x7d])), (e: unknown) => e instanceof WireFormatError && /not UTF-8/.test(e.message));
    rejectsWire('', /^not JSON: /);
    rejectsWire('{"dimensions": [', /^not JSON: /);
    rejectsWire('{"value": NaN}', /^not JSON: .*\(NaN\/Infinity are not valid JSON\)$/);
    rejectsWire('{"value": -Infinity}', /\(NaN\/Infinity are not valid JSON\)$/);
    rejectsWire('{"value": "NaN"', /^not JSON: (?!.*NaN\/Infinity)/);
  });

  test('missing and mistyped keys', () => {
    const cases: Array<[(m: Record<string, unknown>) => void, RegExp]> = [
      [(m) => delete m.counters, /^counters is missing$/],
      [(m) => (m.dimensions = {}), /^dimensions must be an array, got \{\} \(object\)$/],
      [(m) => delete m.timestamp_format, /^timestamp_format is missing$/],
      [(m) => (m.timestamp_format = '%Y %Q'), /^timestamp_format is not usable: .*%Q/],
      [(m) => (m.serialized_at = 5), /^serialized_at must be a string, got 5$/],
      [(m) => ((m.dimensions as unknown[])[0] = 'x'), /^dimensions\[0\] must be a JSON object, got "x"$/],
      [(m) => delete (m.dimensions as Array<Record<string, unknown>>)[0]!.value, /^dimensions\[0\]\.value is missing$/],
      [(m) => ((m.counters as Array<Record<string, unknown>>)[1]!.value = 'x'), /^counters\[1\]\.value must be a number, got "x"$/],
      [(m) => ((m.counters as Array<Record<string, unknown>>)[1]!.name = 7), /^counters\[1\]\.name must be a string, got 7$/],
      [(m) => delete (m.counters as Array<Record<string, unknown>>)[0]!.timestamp, /^counters\[0\]\.timestamp is missing$/],
      [
        (m) => ((m.counters as Array<Record<string, unknown>>)[0]!.timestamp = '2024-13-01T00:00:00.0Z'),
        /^counters\[0\]\.timestamp: time data "2024-13-01T00:00:00\.0Z" does not match format "%Y-%m-%dT%H:%M:%S\.%fZ"$/,
      ],
      [
        (m) => ((m.counters as Array<Record<string, unknown>>)[1]!.metadata = { k: null }),
        /^counters\[1\]\.metadata\["k"\] must be a string, got null$/,
      ],
      [(m) => ((m.counters as Array<Record<string, unknown>>)[1]!.metadata = ['v']), /^counters\[1\]\.metadata must be a JSON object/],
      [(m) => delete (m.timers as Array<Record<string, unknown>>)[0]!.unit, /^timers\[0\]\.unit is missing$/],
      [
        (m) => ((m.timers as Array<Record<string, unknown>>)[0]!.unit = { name: 'ms' }),
        /^timers\[0\]\.unit\.seconds_offset is missing$/,
      ],
      [
        (m) => ((m.timers as Array<Record<string, unknown>>)[0]!.unit = { name: 'ms', seconds_offset: '1000' }),
        /^timers\[0\]\.unit\.seconds_offset must be a number, got "1000"$/,
      ],
      [
        (m) => ((m.timers as Array<Record<string, unknown>>)[0]!.unit = { name: 'ms', seconds_offset: 0 }),
        /^timers\[0\]\.unit\.seconds_offset must be greater than 0, got 0$/,
      ],
      [(m) => ((m.timers as Array<Record<string, unknown>>)[0]!.value = null), /^timers\[0\]\.value must be a number, got null$/],
    ];
    for (const [breakIt, pattern] of cases) {
      const m = message();
      breakIt(m);
      rejectsWire(m, pattern);
    }
    rejectsWire('[]', /^the message must be a JSON object, got \[\] \(array\)$/);
    rejectsWire('null', /^the message must be a JSON object, got null$/);
    rejectsWire(JSON.stringify(message()).replace('"value":2.5', '"value":1e400'), /^counters\[1\]\.value must be a finite number, got Infinity/);
  });
});

describe('encodeMetrics', () => {
  test('fills serialized_at with now when unset, and uses it as given otherwise', () => {
    const before = nowMicros();
    const encoded = encodeMetrics(new Metrics([], [], [], DEFAULT_TIMESTAMP_FORMAT));
    const stamp = (JSON.parse(encoded) as { serialized_at: string }).serialized_at;
    const at = parseTimestamp(stamp, DEFAULT_TIMESTAMP_FORMAT);
    assert.ok(at > before && at < before + 5_000_000n, stamp);
    assert.equal(
      encodeMetrics(new Metrics([], [], [], '%Y', 'given')),
      '{"dimensions": [], "counters": [], "timers": [], "timestamp_format": "%Y", "serialized_at": "given"}',
    );
  });

  test('escapes a timestamp format whose literals need it', () => {
    const m = new Metrics([], [new Counter('c', T, {}, 1)], [], '%Y "é"', 'x');
    assert.match(encodeMetrics(m), /"timestamp": "2024 \\"\\u00e9\\""/);
    assert.equal(decodeMetrics(encodeMetrics(m)).counters[0]?.timestamp, 1_704_067_200_000_000n);
  });

  test('non-finite values are refused rather than sent as NaN/Infinity', () => {
    assert.throws(() => encodeMetrics(new Metrics([], [new Counter('c', T, {}, Number.NaN)], [])), InvalidArgumentError);
    const t = new Timer('t', T, {}, Number.POSITIVE_INFINITY, Units.SECONDS);
    assert.throws(() => encodeMetrics(new Metrics([], [], [t])), InvalidArgumentError);
  });

  test('equals Python json.dumps of serialize(), whose keys are in wire order, in both dialects', () => {
    fc.assert(
      fc.property(anyMessage, (spec) => {
        const built = buildMessage(spec);
        const m = new Metrics(built.dimensions, built.counters, built.timers, built.timestampFormat, 'stamp', built.gauges);
        assert.equal(encodeMetrics(m), pyDumps(m.serialize()));
        assert.equal(encodeMetrics(m, 'python'), pyDumps(m.serialize('python')));
        assert.equal(encodeMetrics(m, 'extended'), pyDumps(m.serialize('extended')));
      }),
      { numRuns: 200 },
    );
  });

  test('units other than the constants, more of them than are remembered', () => {
    for (let i = 0; i < 100; i += 1) {
      const unit = new Unit(i % 2 === 0 ? 'ticks' : `tick "${i}"`, 1 + i / 8);
      const m = new Metrics([], [], [new Timer('t', T, {}, i, unit)], DEFAULT_TIMESTAMP_FORMAT, TS);
      assert.equal(encodeMetrics(m), pyDumps(m.serialize()));
    }
  });

  test('decode(encode(m)) re-encodes to the same bytes and the same content', () => {
    fc.assert(
      fc.property(anyMessage, (spec) => {
        const bytes = encodeMetrics(buildMessage(spec));
        const decoded = decodeMetrics(Buffer.from(bytes, 'utf8'));
        assert.equal(encodeMetrics(decoded), bytes);
        assert.deepEqual(decodeMetrics(bytes), decoded);
      }),
      { numRuns: 300 },
    );
  });

  test('gauges decode to the same gauges from either dialect, and re-encode to the same bytes in each', () => {
    fc.assert(
      fc.property(anyMessage, (spec) => {
        const fresh = buildMessage(spec);
        const built = new Metrics(fresh.dimensions, fresh.counters, fresh.timers, fresh.timestampFormat, 'stamp', fresh.gauges);
        const python = encodeMetrics(built, 'python');
        const extended = encodeMetrics(built, 'extended');
        const fromPython = decodeMetrics(python);
        const fromExtended = decodeMetrics(extended);
        // Timestamps are kept to the format's resolution: compared between the two decodings.
        assert.deepEqual(fromPython.gauges, fromExtended.gauges);
        const content = (g: Gauge): unknown[] => [g.name, g.value, { ...g.metadata }];
        assert.deepEqual(fromPython.gauges.map(content), built.gauges.map(content));
        assert.deepEqual(fromPython.counters, fromExtended.counters);
        assert.equal(fromPython.counters.length, built.counters.length, 'a marked counter is not also a counter');
        assert.equal(encodeMetrics(fromPython, 'python'), python);
        assert.equal(encodeMetrics(fromExtended, 'extended'), extended);
        assert.equal(python === extended, built.gauges.length === 0, 'a message without gauges is the same bytes in both');
      }),
      { numRuns: 300 },
    );
  });

  test('a gauge on the wire, in each dialect', () => {
    const m = new Metrics([], [new Counter('c', T, {}, 1)], [], DEFAULT_TIMESTAMP_FORMAT, TS, [
      new Gauge('queue', T, { host: 'a' }, -3),
      new Gauge('free', T, {}, 0.5),
    ]);
    const counterPart = `{"name": "c", "metadata": {}, "timestamp": "${TS}", "value": 1.0}`;
    assert.equal(
      encodeMetrics(m, 'python'),
      `{"dimensions": [], "counters": [${counterPart}, ` +
        `{"name": "queue", "metadata": {"host": "a", "kadabra_kind": "gauge"}, "timestamp": "${TS}", "value": -3.0}, ` +
        `{"name": "free", "metadata": {"kadabra_kind": "gauge"}, "timestamp": "${TS}", "value": 0.5}], ` +
        `"timers": [], "timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ", "serialized_at": "${TS}"}`,
    );
    assert.equal(
      encodeMetrics(m, 'extended'),
      `{"dimensions": [], "counters": [${counterPart}], "timers": [], "gauges": [` +
        `{"name": "queue", "metadata": {"host": "a"}, "timestamp": "${TS}", "value": -3.0}, ` +
        `{"name": "free", "metadata": {}, "timestamp": "${TS}", "value": 0.5}], ` +
        `"timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ", "serialized_at": "${TS}"}`,
    );
  });

  test('a counter is a gauge only when its marker says exactly "gauge"', () => {
    const other = `{"dimensions": [], "counters": [{"name": "c", "metadata": {"kadabra_kind": "other"}, "timestamp": "${TS}", "value": 1.0}], "timers": [], "timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ", "serialized_at": "${TS}"}`;
    const decoded = decodeMetrics(other);
    assert.equal(decoded.gauges.length, 0);
    assert.deepEqual(decoded.counters[0]?.metadata, { kadabra_kind: 'other' });
  });

  test('a bad gauges array names its path', () => {
    const bad = `{"dimensions": [], "counters": [], "timers": [], "gauges": [{"name": "g", "timestamp": "${TS}", "value": "x"}], "timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ"}`;
    assert.throws(() => decodeMetrics(bad), (error: unknown) => error instanceof WireFormatError && /gauges\[0\]\.value must be a number/.test(error.message));
  });
});

describe('serialize() and deserialize() of the model classes', () => {
  test('shapes and key order are the wire dictionaries', () => {
    const counter = new Counter('c', T, { k: 'v' }, 2);
    const timer = new Timer('t', T, {}, 1.5, Units.MILLISECONDS);
    assert.deepEqual(new Dimension('d', 'v').serialize(), { name: 'd', value: 'v' });
    assert.deepEqual(Units.SECONDS.serialize(), { name: 'seconds', seconds_offset: 1 });
    assert.deepEqual(counter.serialize(DEFAULT_TIMESTAMP_FORMAT), { name: 'c', metadata: { k: 'v' }, timestamp: TS, value: 2 });
    assert.deepEqual(Object.keys(counter.serialize(DEFAULT_TIMESTAMP_FORMAT)), ['name', 'metadata', 'timestamp', 'value']);
    assert.deepEqual(Object.keys(timer.serialize('%Y')), ['name', 'unit', 'metadata', 'timestamp', 'value']);
    assert.equal(timer.serialize('%Y').timestamp, '2024');
    const m = new Metrics([new Dimension('d', 'v')], [counter], [timer], DEFAULT_TIMESTAMP_FORMAT, 'then');
    assert.deepEqual(Object.keys(m.serialize()), ['dimensions', 'counters', 'timers', 'timestamp_format', 'serialized_at']);
    assert.equal(m.serialize().serialized_at, 'then');
  });

  test('Metrics, Counter and Timer copy what the caller may still change and keep what is frozen', () => {
    const metadata: Record<string, string> = { k: 'v' };
    const counters = [new Counter('c', T, metadata, 1)];
    const timers = [new Timer('t', T, metadata, 1, Units.SECONDS)];
    const m = new Metrics([], counters, timers, DEFAULT_TIMESTAMP_FORMAT, TS);
    metadata.k = 'changed';
    counters.push(new Counter('late', T, {}, 2));
    timers.length = 0;
    assert.deepEqual(m.counters.map((c) => [c.name, c.metadata]), [['c', { k: 'v' }]]);
    assert.deepEqual(m.timers.map((t) => [t.name, t.metadata]), [['t', { k: 'v' }]]);
    assert.ok(Object.isFrozen(m.counters) && Object.isFrozen(m.timers) && Object.isFrozen(m.dimensions));
    assert.ok(Object.isFrozen(m.counters[0]?.metadata) && Object.isFrozen(m.timers[0]?.metadata));

    const frozenCounters = Object.freeze([new Counter('f', T, Object.freeze({ a: 'b' }), 3)]);
    const kept = new Metrics([], frozenCounters, [], DEFAULT_TIMESTAMP_FORMAT, TS);
    assert.equal(kept.counters, frozenCounters);
    assert.deepEqual(kept.counters[0]?.metadata, { a: 'b' });
  });

  test('Metrics.serialize() stamps serialized_at with now when unset', () => {
    const before = nowMicros();
    const stamp = new Metrics([], [], []).serialize().serialized_at;
    assert.ok(parseTimestamp(stamp, DEFAULT_TIMESTAMP_FORMAT) > before);
  });

  test('deserialize(serialize()) round-trips every class', () => {
    const counter = new Counter('c', T, { k: 'v' }, 2);
    const timer = new Timer('t', T, { a: 'b' }, 1.5, new Unit('minutes', 1 / 60));
    assert.deepEqual(Dimension.deserialize(new Dimension('d', 'v').serialize()), new Dimension('d', 'v'));
    assert.equal(Unit.deserialize({ name: 'milliseconds', seconds_offset: 1000 }), Units.MILLISECONDS);
    assert.deepEqual(Unit.deserialize({ name: 'minutes', seconds_offset: 1 / 60 }), new Unit('minutes', 1 / 60));
    assert.deepEqual(Counter.deserialize(counter.serialize(DEFAULT_TIMESTAMP_FORMAT), DEFAULT_TIMESTAMP_FORMAT), counter);
    assert.deepEqual(Timer.deserialize(timer.serialize(DEFAULT_TIMESTAMP_FORMAT), DEFAULT_TIMESTAMP_FORMAT), timer);
    const m = new Metrics([new Dimension('d', 'v')], [counter], [timer], DEFAULT_TIMESTAMP_FORMAT, 'then');
    assert.deepEqual(Metrics.deserialize(m.serialize()), m);
  });

  test('deserialize errors name the given path', () => {
    assert.throws(() => Counter.deserialize({ name: 'c', timestamp: TS }, DEFAULT_TIMESTAMP_FORMAT), /^WireFormatError: counter\.value is missing$/);
    assert.throws(() => Timer.deserialize({}, DEFAULT_TIMESTAMP_FORMAT, 'timers[3]'), /timers\[3\]\.name is missing/);
    assert.throws(() => Dimension.deserialize(null), /dimension must be a JSON object, got null/);
  });
});

describe('a hand-built Gauge holding the marker key in its metadata', () => {
  test('is written with the marker once, last, and still passes the original\'s re-encoding', () => {
    const m = new Metrics([], [], [], DEFAULT_TIMESTAMP_FORMAT, TS, [new Gauge('g', T, { kadabra_kind: 'x', a: 'b' }, 1)]);
    const bytes = encodeMetrics(m, 'python');
    assert.match(bytes, /"metadata": \{"a": "b", "kadabra_kind": "gauge"\}/);
    assert.equal(bytes, pyDumps(m.serialize('python')));
    assert.deepEqual(askPython([{ kind: 'message', args: [b64(bytes)] }]), ['ok']);
    assert.deepEqual(decodeMetrics(bytes).gauges[0]?.metadata, { a: 'b' });
  });
});
