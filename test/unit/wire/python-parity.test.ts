import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WireFormatError } from '../../../src/errors/wire-format-error.js';
import { millisecondsToMicros } from '../../../src/metrics/duration.js';
import { pyFloat, pyString } from '../../../src/wire/python-json.js';
import { compileTimestampFormat } from '../../../src/time/timestamp-format.js';
import { decodeMetrics, encodeMetrics } from '../../../src/wire/codec.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { anyChar, anyFiniteDouble, anyMessage, buildMessage } from '../metrics/arbitraries.js';
import { askPython, b64, doubleHex, utf16Hex, type PythonRequest } from './python-oracle.js';

/*
 * Python parity, checked live against the machine's python3 (one process for the whole
 * file): float repr, json.dumps of strings, timedelta quantisation, strftime/strptime,
 * and whole messages (json.dumps(json.loads(b)) == b, and Kadabra 0.5.0's own
 * deserialize/serialize round trip reproduces b).
 */

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const sample = <T>(arb: fc.Arbitrary<T>, numRuns: number): T[] => fc.sample(arb, { numRuns, seed });

const SPECIAL_DOUBLES = [
  0, -0, 1, -1, 7, 0.1, 0.2, 0.1 + 0.2, 1e-4, 9.999999999999999e-5, 1e-5, 1e-7, 1e15, 1e16, 1e16 - 2, 1e17, 1e20, 1e21,
  1e22, 123456789012345680000, 5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 63, 1.5e300, 0.007, 123.456, 1.0050000000000001, 0.020999999999999998,
];

const floats = [...SPECIAL_DOUBLES, ...sample(anyFiniteDouble, 5000)];
const strings = ['', 'plain', '"\\/\b\f\n\r\t', '\x00\x1f\x7f\x80\xff', '\ud83d\ude80', '\ud800', '\udfff x', ...sample(fc.string({ unit: anyChar, maxLength: 30 }), 1000)];
const durations = [
  16.6665, 16.6675, 1.005, 0.009, 0.021, 0.0005, 0.0015, 0.0025, 2000.0005, 123.456, 0.007, 1e9 + 0.0005,
  ...sample(fc.double({ min: 0, max: 1e9, noNaN: true }), 2000),
  ...sample(fc.integer({ min: 0, max: 100_000_000 }).map((n) => (n + 0.5) / 1000), 1000),
  ...sample(fc.integer({ min: 0, max: 2 ** 30 }).map((n) => n / 1000), 1000),
];

const DIRECTIVES = ['%Y', '%m', '%d', '%H', '%M', '%S', '%f', '%j', '%y', '%b', '%B', '%a', '%A', '%I', '%p', '%%'];
const LITERALS = ['', '', '-', ':', 'T', ' ', '.', '/', 'x', '  ', ',', 'Z'];
const anyStrftimeFormat = fc
  .tuple(
    fc.shuffledSubarray(DIRECTIVES, { minLength: 1 }),
    fc.array(fc.constantFrom(...LITERALS), { minLength: DIRECTIVES.length + 1, maxLength: DIRECTIVES.length + 1 }),
  )
  .map(([directives, literals]) => directives.map((d, i) => literals[i] + d).join('') + literals[directives.length]);
const timeCases = sample(
  fc.record({
    format: fc.oneof(anyStrftimeFormat, fc.constant('%Y-%m-%dT%H:%M:%S.%fZ')),
    micros: fc.oneof(fc.bigInt({ min: 0n, max: 253_402_300_799_999_999n }), fc.bigInt({ min: 0n, max: 2n ** 53n })),
    mutation: fc.option(fc.tuple(fc.nat(), fc.constantFrom('', '0', '9', '3', ' ', '-', 'a', 'P', '1')), { freq: 2 }),
  }),
  600,
).map(({ format, micros, mutation }) => {
  let text = compileTimestampFormat(format).formatMicros(micros);
  if (mutation !== null && text.length > 0) {
    const at = mutation[0] % text.length;
    text = text.slice(0, at) + mutation[1] + text.slice(at + 1);
  }
  return { format, micros, text };
});

// In the default dialect, the Redis list channel's: gauges travel as marked counters.
const messages = sample(anyMessage, 300).map((spec) => ({ spec, bytes: encodeMetrics(buildMessage(spec)) }));
// The same content in the extended dialect, where it has gauges: the original drops the
// `gauges` key when it re-encodes, so these must never go on the list.
const extendedMessages = messages
  .filter(({ spec }) => spec.gauges.length > 0)
  .map(({ spec }) => ({ spec, bytes: encodeMetrics(buildMessage(spec), 'extended') }));

let answers: Map<PythonRequest['kind'], string[]>;

before(() => {
  const requests: PythonRequest[] = [
    ...floats.map((x): PythonRequest => ({ kind: 'float', args: [doubleHex(x)] })),
    ...strings.map((s): PythonRequest => ({ kind: 'str', args: [utf16Hex(s)] })),
    ...durations.map((ms): PythonRequest => ({ kind: 'td', args: [doubleHex(ms)] })),
    ...timeCases.map((c): PythonRequest => ({ kind: 'strftime', args: [String(c.micros), b64(c.format)] })),
    ...timeCases.map((c): PythonRequest => ({ kind: 'strptime', args: [b64(c.text), b64(c.format)] })),
    ...messages.map((m): PythonRequest => ({ kind: 'message', args: [b64(m.bytes)] })),
    ...extendedMessages.map((m): PythonRequest => ({ kind: 'message', args: [b64(m.bytes)] })),
  ];
  const lines = askPython(requests);
  answers = new Map();
  requests.forEach((r, i) => {
    const list = answers.get(r.kind) ?? [];
    list.push(lines[i] as string);
    answers.set(r.kind, list);
  });
});

function expectAll<T>(kind: PythonRequest['kind'], inputs: readonly T[], ours: (input: T) => string, show: (input: T) => string): void {
  const theirs = answers.get(kind) ?? [];
  assert.equal(theirs.length, inputs.length);
  const mismatches: string[] = [];
  inputs.forEach((input, i) => {
    const mine = ours(input);
    if (mine !== theirs[i]) mismatches.push(`${show(input)}: ours ${mine} python ${theirs[i]}`);
  });
  assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} mismatches (FC_SEED=${seed})`);
}

describe('python parity (live python3)', () => {
  test('pyFloat equals repr(float) for special and random doubles', () => {
    expectAll('float', floats, pyFloat, (x) => `${x} (${doubleHex(x)})`);
  });

  test('pyString equals json.dumps(str), incl. controls, DEL, astral and lone surrogates', () => {
    expectAll('str', strings, pyString, (s) => JSON.stringify(s));
  });

  test('millisecondsToMicros equals timedelta(milliseconds=x), ties included', () => {
    expectAll('td', durations, (ms) => String(millisecondsToMicros(ms)), (ms) => `${ms} ms`);
  });

  test('formatTimestamp equals datetime.strftime for every directive', () => {
    expectAll(
      'strftime',
      timeCases,
      (c) => b64(compileTimestampFormat(c.format).formatMicros(c.micros)),
      (c) => `${c.micros} with ${JSON.stringify(c.format)}`,
    );
  });

  test('parseTimestamp accepts and rejects what datetime.strptime does, with the same result', () => {
    expectAll(
      'strptime',
      timeCases,
      (c) => {
        try {
          return String(compileTimestampFormat(c.format).parse(c.text));
        } catch (error) {
          assert.ok(error instanceof WireFormatError, String(error));
          return 'ERR';
        }
      },
      (c) => `${JSON.stringify(c.text)} with ${JSON.stringify(c.format)}`,
    );
  });

  test('messages built by MetricsCollector, gauges included, survive json.dumps(json.loads(b)) and Kadabra 0.5.0 re-serialization', () => {
    assert.ok(messages.some(({ spec }) => spec.gauges.length > 0), 'the sample holds gauges');
    // The extended ones follow: the original re-encodes them without their gauges.
    const withoutGauges = (bytes: string): string => {
      const m = decodeMetrics(bytes);
      return encodeMetrics(new Metrics(m.dimensions, m.counters, m.timers, m.timestampFormat, m.serializedAt));
    };
    expectAll(
      'message',
      [...messages.map((m) => ({ ...m, extended: false })), ...extendedMessages.map((m) => ({ ...m, extended: true }))],
      (m) => (m.extended ? 'FAIL Kadabra deserialize/serialize changed it: ' + withoutGauges(m.bytes) : 'ok'),
      (m) => m.bytes,
    );
  });

  test('the same messages decode and re-encode to the same bytes, their gauges recognised', () => {
    for (const { spec, bytes } of messages) {
      const decoded = decodeMetrics(Buffer.from(bytes));
      assert.equal(encodeMetrics(decoded), bytes);
      assert.equal(decoded.gauges.length, new Set(spec.gauges.map((g) => g.name)).size);
    }
  });
});
