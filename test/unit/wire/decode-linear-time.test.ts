import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { WireFormatError } from '../../../src/errors/wire-format-error.js';
import { Units } from '../../../src/metrics/unit.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../../../src/metrics/metrics.js';
import { decodeMetrics, encodeMetrics } from '../../../src/wire/codec.js';

/*
 * Decoding what a producer wrote must take time linear in its size, whatever the
 * timestamp format: a format that repeats `%f` thirteen times, with a timestamp that
 * cannot match, froze a backtracking regular expression for over a minute. Times are
 * compared with decoding an ordinary message in the same run, never with a fixed bound.
 */

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

function ordinaryMessage(): string {
  const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, { host: 'web-01', program: 'checkout' });
  collector.addCount('requests', 3);
  collector.addCount('errors', 1, { metadata: { route: '/cart' } });
  collector.setTimer('latency', 12.5, Units.MILLISECONDS);
  return encodeMetrics(collector.close());
}

/** A message whose counter's timestamp and format are the producer's choice. */
function messageWith(format: string, timestamp: string): string {
  return JSON.stringify({
    dimensions: [{ name: 'host', value: 'web-01' }],
    counters: [{ name: 'requests', metadata: {}, timestamp, value: 1 }],
    timers: [],
    timestamp_format: format,
    serialized_at: timestamp,
  });
}

/** Nanoseconds one decode takes: the least of `runs`, so a GC pause does not count. */
function decodeNanos(message: string, runs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    try {
      decodeMetrics(message);
    } catch (error) {
      if (!(error instanceof WireFormatError)) throw error;
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start));
  }
  return best;
}

/** The time of one ordinary decode, in ns: the median of many (warm). */
function ordinaryNanos(): { nanos: number; bytes: number } {
  const message = ordinaryMessage();
  for (let i = 0; i < 2000; i += 1) decodeMetrics(message);
  const samples = Array.from({ length: 301 }, () => decodeNanos(message, 5)).sort((a, b) => a - b);
  return { nanos: samples[150] as number, bytes: message.length };
}

/**
 * The bound: a message may cost RATIO ordinary decodes per ordinary message's size. Parsing
 * a timestamp without a regex costs more than the ordinary (fast-path) one, so the ratio
 * is generous; backtracking costs millions of times more and grows exponentially.
 */
const RATIO = 1000;

function assertLinear(message: string, ordinary: { nanos: number; bytes: number }, what: string): number {
  const nanos = decodeNanos(message, 3);
  const allowed = RATIO * ordinary.nanos * Math.max(1, message.length / ordinary.bytes);
  assert.ok(nanos <= allowed, `${what}: ${nanos} ns, more than ${RATIO} ordinary decodes (${ordinary.nanos} ns each) per ${ordinary.bytes} bytes`);
  return nanos / ordinary.nanos;
}

const DIRECTIVES = ['%Y', '%m', '%d', '%H', '%M', '%S', '%f', '%j', '%y', '%b', '%B', '%a', '%A', '%I', '%p', '%z', '%Z', '%%'];
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...DIRECTIVES) },
  { weight: 2, arbitrary: fc.constantFrom(' ', '  ', '\t', '-', ':', '.', 'T', 'Z', 'x') },
  { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
);
/** Formats with repetitions of any directive and literal, up to well past the length limit. */
const anyFormat = fc.oneof(
  fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join('')),
  fc.tuple(fc.constantFrom(...DIRECTIVES, ' ', ' %Z ', ' %z '), fc.integer({ min: 2, max: 80 })).map(([p, n]) => p.repeat(n)),
);
const timestampChar = fc.constantFrom('0', '1', '2', '5', '9', ' ', '-', ':', '.', '+', 'a', 'm', 'M', 'x', 'Z', 'utc');
const anyTimestamp = fc.oneof(
  fc.array(timestampChar, { maxLength: 200 }).map((chars) => chars.join('')),
  fc.tuple(fc.constantFrom('0', ' ', '1 ', '12', 'x'), fc.integer({ min: 1, max: 3000 }), fc.constantFrom('', 'x', '!')).map(
    ([unit, n, tail]) => unit.repeat(n) + tail,
  ),
);

describe('decoding time is linear in the message, whatever the producer wrote', () => {
  test('random formats and timestamps (directives repeated, long runs) each cost a bounded number of ordinary decodes', (t) => {
    const ordinary = ordinaryNanos();
    let worst = 0;
    let worstCase = '';
    fc.assert(
      fc.property(anyFormat, anyTimestamp, (format, timestamp) => {
        const message = messageWith(format, timestamp);
        const ratio = assertLinear(message, ordinary, `format ${JSON.stringify(format)} timestamp ${JSON.stringify(timestamp.slice(0, 60))}`);
        if (ratio > worst) {
          worst = ratio;
          worstCase = `${JSON.stringify(format)} / ${timestamp.length} chars`;
        }
      }),
      { numRuns: 1500, seed },
    );
    t.diagnostic(`worst: ${worst.toFixed(1)} ordinary decodes (${worstCase}); FC_SEED=${seed}`);
  });

  test('regression: 13 x %f and a timestamp that cannot match is refused at once, with the reason', () => {
    const ordinary = ordinaryNanos();
    const message = messageWith('%f'.repeat(13), '1'.repeat(40) + 'x');
    assert.ok(message.length < 300);
    assertLinear(message, ordinary, 'the %f x 13 message');
    assert.throws(() => decodeMetrics(message), (e: unknown) => e instanceof WireFormatError && /%f twice/.test(e.message));
    const long = messageWith('%Y' + '-'.repeat(500), '2024' + '-'.repeat(500));
    assert.throws(() => decodeMetrics(long), (e: unknown) => e instanceof WireFormatError && /limited to 128 characters/.test(e.message));
  });

  test('whitespace runs around directives that may match nothing cost linear time, and still parse', () => {
    const ordinary = ordinaryNanos();
    const format = '%Y %Z %z %m';
    for (const n of [100, 1000, 10_000]) {
      const spaces = ' '.repeat(n);
      assertLinear(messageWith(format, `2024${spaces}x`), ordinary, `${n} spaces then x`);
      const metrics = decodeMetrics(messageWith(format, `2024${spaces}03`));
      assert.equal(metrics.counters[0]?.timestamp, BigInt(Date.parse('2024-03-01T00:00:00Z')) * 1000n);
    }
  });
});
