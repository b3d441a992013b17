import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { WireFormatError } from '../../../src/errors/wire-format-error.js';
import { MAX_TIMESTAMP_MICROS } from '../../../src/time/clock.js';
import { pyString } from '../../../src/wire/python-json.js';
import { compileTimestampFormat } from '../../../src/time/timestamp-format.js';
import { WireWriter } from '../../../src/wire/writer.js';
import { writeTimestampJson } from '../../../src/wire/write-timestamp.js';
import { formatTimestamp, parseTimestamp } from '../../support/timestamp-text.js';

// Expected strings are Python 3.11's datetime.strftime/strptime; python-parity.test
// compares hundreds of random formats and texts against a live python3.

const DEFAULT = '%Y-%m-%dT%H:%M:%S.%fZ';
const T = 1_704_164_645_123_456n; // 2024-01-02T03:04:05.123456Z, a Tuesday
const PM = 1_718_454_645_000_042n; // 2024-06-15T12:30:45.000042Z, a Saturday

function micros(iso: string, extra = 0n): bigint {
  return BigInt(Date.parse(iso)) * 1000n + extra;
}

describe('formatTimestamp', () => {
  test('every directive, as Python renders a naive UTC datetime', () => {
    assert.equal(
      formatTimestamp(T, '%Y|%m|%d|%H|%M|%S|%f|%j|%y|%b|%B|%a|%A|%I|%p|%z|%Z|%%'),
      '2024|01|02|03|04|05|123456|002|24|Jan|January|Tue|Tuesday|03|AM|||%',
    );
    assert.equal(formatTimestamp(PM, '%I %p %j %a %A %b %B'), '12 PM 167 Sat Saturday Jun June');
    assert.equal(formatTimestamp(micros('2024-06-15T00:05:00Z'), '%I %p'), '12 AM');
  });

  test('the default format, including the epoch, leap days and the last representable instant', () => {
    assert.equal(formatTimestamp(T, DEFAULT), '2024-01-02T03:04:05.123456Z');
    assert.equal(formatTimestamp(0n, DEFAULT), '1970-01-01T00:00:00.000000Z');
    assert.equal(formatTimestamp(micros('2000-02-29T23:59:59Z', 999_999n), DEFAULT), '2000-02-29T23:59:59.999999Z');
    assert.equal(formatTimestamp(MAX_TIMESTAMP_MICROS, DEFAULT), '9999-12-31T23:59:59.999999Z');
    assert.equal(formatTimestamp(micros('2100-03-01T00:00:00Z'), '%j'), '060');
  });

  test('the default format matches the generic formatter for any time', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_TIMESTAMP_MICROS }), (t) => {
        assert.equal(formatTimestamp(t, DEFAULT), formatTimestamp(t, '%Y-%m-%dT%H:%M:%S.%f' + 'Z%%').slice(0, -1));
      }),
      { numRuns: 2000 },
    );
  });

  test('times before 1970 format too (decoded messages may carry them)', () => {
    assert.equal(formatTimestamp(-1n, DEFAULT), '1969-12-31T23:59:59.999999Z');
    assert.equal(formatTimestamp(micros('1900-01-01T00:00:00Z'), '%Y-%m-%d %a'), '1900-01-01 Mon');
  });

  test('outside years 1..9999 is an InvalidArgumentError', () => {
    assert.throws(() => formatTimestamp(MAX_TIMESTAMP_MICROS + 1n, DEFAULT), InvalidArgumentError);
    assert.throws(() => formatTimestamp(-62_135_596_800_000_001n, DEFAULT), InvalidArgumentError);
  });
});

/** The default format, spelt so that it takes the generic (uncached) formatter. */
function generic(t: bigint): string {
  return formatTimestamp(t, '%Y-%m-%dT%H:%M:%S.%f' + 'Z%%').slice(0, -1);
}

function writeJson(t: bigint, format = DEFAULT): string {
  const writer = new WireWriter(16);
  writer.begin();
  writeTimestampJson(writer, compileTimestampFormat(format), t);
  return writer.finish().toString('latin1');
}

describe('the default format (date cached per day) and writeJson', () => {
  // Each boundary with its neighbours, so consecutive calls cross it.
  const boundaries = [
    '2024-01-02T03:04:05Z', // a second
    '2024-01-02T03:05:00Z', // a minute
    '2024-01-02T04:00:00Z', // an hour
    '2024-01-03T00:00:00Z', // a day
    '2024-02-29T00:00:00Z', // into a leap day
    '2024-03-01T00:00:00Z', // out of it
    '2023-03-01T00:00:00Z', // no leap day
    '2100-03-01T00:00:00Z', // a century year without one
    '2000-03-01T00:00:00Z', // a 400th year with one
    '2025-01-01T00:00:00Z', // a year
    '1970-01-01T00:00:00Z', // the epoch
  ];
  const around = (iso: string): bigint[] => [-1_000_001n, -1n, 0n, 1n, 999_999n].map((d) => micros(iso) + d).filter((t) => t >= 0n);

  test('crossing seconds, days, months, years and leap days, forwards and backwards', () => {
    const times = boundaries.flatMap(around);
    for (const sequence of [times, [...times].reverse()]) {
      for (const t of sequence) {
        assert.equal(formatTimestamp(t, DEFAULT), generic(t), String(t));
        assert.equal(writeJson(t), `"${generic(t)}"`, String(t));
      }
    }
  });

  test('interleaved days (a message whose metrics straddle midnight) never reuse the wrong date', () => {
    const before = micros('2024-12-31T23:59:59Z', 999_999n);
    const after = before + 1n;
    for (let i = 0; i < 4; i += 1) {
      assert.equal(writeJson(before), '"2024-12-31T23:59:59.999999Z"');
      assert.equal(writeJson(after), '"2025-01-01T00:00:00.000000Z"');
    }
  });

  test('two, three and four seconds taking turns (more than are remembered) each keep their own rendering', () => {
    const seconds = [T, T + 1_000_000n, T + 2_000_000n, T + 86_400_000_000n];
    for (const count of [2, 3, 4]) {
      for (let i = 0; i < 12; i += 1) {
        const t = (seconds[i % count] as bigint) + BigInt(i);
        assert.equal(writeJson(t), `"${generic(t)}"`);
        assert.equal(formatTimestamp(t, DEFAULT), generic(t));
      }
    }
  });

  test('up to the largest safe integer, where the division by 1e6 rounds', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }), fc.constantFrom(0n, 1n, 999_999n), (t, d) => {
        const at = t - (t % 1_000_000n) + d;
        if (at > BigInt(Number.MAX_SAFE_INTEGER)) return;
        assert.equal(writeJson(at), `"${generic(at)}"`);
      }),
      { numRuns: 3000 },
    );
  });

  test('years before 1000 and after 2255 are written with four digits, by the generic formatter', () => {
    assert.equal(writeJson(micros('0999-12-31T23:59:59Z', 999_999n)), '"0999-12-31T23:59:59.999999Z"');
    assert.equal(writeJson(-62_135_596_800_000_000n), '"0001-01-01T00:00:00.000000Z"');
    assert.equal(writeJson(MAX_TIMESTAMP_MICROS), '"9999-12-31T23:59:59.999999Z"');
    assert.throws(() => writeJson(MAX_TIMESTAMP_MICROS + 1n), InvalidArgumentError);
  });

  test('other formats are written as pyString of their text, escapes included', () => {
    for (const format of ['%Y "%m"', '%Y\\%m', '%Y é', '%d/%b/%Y:%H:%M:%S.%f', '%Y-%m-%d %H:%M:%S', '%j %%']) {
      for (const t of [T, PM, 0n]) assert.equal(writeJson(t, format), pyString(formatTimestamp(t, format)), format);
    }
    assert.equal(writeJson(T, '%Y "é"'), '"2024 \\"\\u00e9\\""');
  });
});

describe('parseTimestamp', () => {
  test('round-trips every time through formats that carry the whole value', () => {
    const formats = [DEFAULT, '%y%j %I%p:%M:%S.%f', '%A %d %B %Y %H:%M:%S.%f%z%Z', '%a, %d %b %Y %H.%M.%S,%f'];
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_TIMESTAMP_MICROS }), fc.constantFrom(...formats), (t, format) => {
        const year = Number(formatTimestamp(t, '%Y'));
        fc.pre(!format.startsWith('%y') || (year >= 1969 && year <= 2068));
        assert.equal(parseTimestamp(formatTimestamp(t, format), format), t);
      }),
      { numRuns: 3000 },
    );
  });

  test('Python strptime rules: %f takes 1-6 digits padded right, case-insensitive, whitespace runs', () => {
    assert.equal(parseTimestamp('2024-01-02T03:04:05.1Z', DEFAULT), micros('2024-01-02T03:04:05Z', 100_000n));
    assert.equal(parseTimestamp('2024-01-02t03:04:05.000001z', DEFAULT), micros('2024-01-02T03:04:05Z', 1n));
    assert.equal(parseTimestamp('2024-1-2T3:4:5.5Z', DEFAULT), micros('2024-01-02T03:04:05Z', 500_000n));
    assert.equal(parseTimestamp('2024 \t 01', '%Y %m'), micros('2024-01-01T00:00:00Z'));
    assert.equal(parseTimestamp('tUeSdAy 02 jan 2024', '%A %d %b %Y'), micros('2024-01-02T00:00:00Z'));
    assert.equal(parseTimestamp('03:04', '%H:%M'), micros('1900-01-01T03:04:00Z'));
    assert.equal(parseTimestamp('12 AM', '%I %p'), micros('1900-01-01T00:00:00Z'));
    assert.equal(parseTimestamp('12 pm', '%I %p'), micros('1900-01-01T12:00:00Z'));
    assert.equal(parseTimestamp('1 PM', '%I %p'), micros('1900-01-01T13:00:00Z'));
    assert.equal(parseTimestamp('100%', '%j%%'), micros('1900-04-10T00:00:00Z'));
    assert.equal(parseTimestamp('23 366', '%y %j'), micros('2024-01-01T00:00:00Z'), '%j overflows into the next year');
    assert.equal(parseTimestamp('69', '%y'), micros('1969-01-01T00:00:00Z'));
    assert.equal(parseTimestamp('68', '%y'), micros('2068-01-01T00:00:00Z'));
  });

  test('%z accepts empty, Z and offsets (converted to UTC); %Z accepts empty, UTC and GMT', () => {
    const base = micros('2024-01-02T03:04:05Z');
    const format = '%Y-%m-%d %H:%M:%S%z';
    for (const zero of ['', '+0000', '-0000', '+00:00', 'Z']) {
      assert.equal(parseTimestamp(`2024-01-02 03:04:05${zero}`, format), base, zero);
    }
    assert.equal(parseTimestamp('2024-01-02 03:04:05+0530', format), base - 19_800_000_000n);
    assert.equal(parseTimestamp('2024-01-02 03:04:05-05:00', format), base + 18_000_000_000n);
    for (const name of ['', 'UTC', 'utc', 'GMT']) {
      assert.equal(parseTimestamp(`2024-01-02 03:04:05${name}`, '%Y-%m-%d %H:%M:%S%Z'), base, name);
    }
    assert.throws(() => parseTimestamp('2024-01-02 03:04:05 EST', '%Y-%m-%d %H:%M:%S %Z'), WireFormatError);
    assert.throws(() => parseTimestamp('2024-01-02 03:04:05+2400', format), WireFormatError);
  });

  test('rejects what Python rejects, naming the text and the format', () => {
    const bad: Array<[string, string]> = [
      ['2024-01-02T03:04:05.123456Z trailing', DEFAULT],
      ['2024-01-02T03:04:05.1234567Z', DEFAULT],
      ['2024-01-02T03:04:05Z', DEFAULT],
      ['2024-13-02T03:04:05.123456Z', DEFAULT],
      ['2024-02-30T03:04:05.123456Z', DEFAULT],
      ['2023-02-29T03:04:05.123456Z', DEFAULT],
      ['2024-01-02T24:04:05.123456Z', DEFAULT],
      ['2024-01-02T03:04:60.123456Z', DEFAULT],
      ['0000-01-01T00:00:00.000000Z', DEFAULT],
      ['02-29', '%m-%d'],
      ['Sept', '%b'],
      ['', '%Y'],
      ['2024', '%Y %m'],
    ];
    for (const [text, format] of bad) {
      assert.throws(
        () => parseTimestamp(text, format),
        (e: unknown) =>
          e instanceof WireFormatError && e.message.includes(JSON.stringify(text)) && e.message.includes(JSON.stringify(format)),
        `${text} with ${format}`,
      );
    }
  });

  test('the default-format fast path and the generic parser agree', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_TIMESTAMP_MICROS }), (t) => {
        const text = formatTimestamp(t, DEFAULT);
        assert.equal(parseTimestamp(text, DEFAULT), t);
        assert.equal(parseTimestamp(text + '%', DEFAULT + '%%'), t);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('compileTimestampFormat', () => {
  test('compiles once and caches by format string', () => {
    assert.equal(compileTimestampFormat('%Y/%m/%d'), compileTimestampFormat('%Y/%m/%d'));
  });

  test('unsupported directives and a stray % fail with InvalidArgumentError naming them', () => {
    assert.throws(() => compileTimestampFormat('%Y %Q'), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes('%Q'));
    assert.throws(() => compileTimestampFormat('%Y %'), (e: unknown) => e instanceof InvalidArgumentError && /stray %/.test(e.message));
  });

  test('regex metacharacters in literals are literal', () => {
    assert.equal(parseTimestamp('(2024)[01]*+?.^$|{}', '(%Y)[%m]*+?.^$|{}'), micros('2024-01-01T00:00:00Z'));
    assert.throws(() => parseTimestamp('(2024)[01]**+?.^$|{}', '(%Y)[%m]*+?.^$|{}'), WireFormatError);
  });
});
