import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeStoredText, encodeStoredText, type TextPosition } from '../../../../src/publishers/influxdb/stored-text.js';

const POSITIONS: readonly TextPosition[] = ['measurement', 'tagKey', 'tagValue', 'fieldKey', 'fieldValue'];
const IDENTIFIERS: readonly TextPosition[] = ['measurement', 'tagKey', 'tagValue', 'fieldKey'];

const anyUnit: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(',', '=', ' ', '"', '\\', '\n', '\t', '\0', '#', '\u241B', 't', 'i', 'm', 'e', '0', 'A'),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);
const anyText = fc.oneof(fc.string({ unit: anyUnit, maxLength: 12 }), fc.constantFrom('', 'time', '\u241B', '\u241B0041'));
const anyPosition = fc.constantFrom(...POSITIONS);

/** No unpaired surrogate (String.prototype.isWellFormed is newer than our TS lib). */
function isWellFormed(text: string): boolean {
  return !/\p{Cs}/u.test(text);
}

describe('encodeStoredText / decodeStoredText (the documented injective rule)', () => {
  test('stores ordinary text as given, in every position', () => {
    for (const position of POSITIONS) {
      for (const text of ['cpu', 'a b,c=d"e\'f', 'C:\\temp\\x', 'café 日本 🚀', 'tab\there', 'cr\rhere', 'nul\0mid', 'TIME', 'x#']) {
        assert.equal(encodeStoredText(text, position), text, `${position} ${JSON.stringify(text)}`);
      }
    }
    assert.equal(encodeStoredText('line1\nline2', 'fieldValue'), 'line1\nline2');
    assert.equal(encodeStoredText('ends with \\', 'fieldValue'), 'ends with \\');
    assert.equal(encodeStoredText('', 'fieldValue'), '');
  });

  test('replaces only what InfluxDB 1.6 cannot hold, as the docs table says', () => {
    const cases: [string, TextPosition, string][] = [
      ['', 'measurement', '\u241B'],
      ['', 'tagValue', '\u241B'],
      ['line1\nline2', 'tagValue', 'line1\u241B000Aline2'],
      ['C:\\temp\\', 'tagValue', 'C:\\temp\u241B005C'],
      ['a\\,b', 'tagKey', 'a\u241B005C,b'],
      ['a\\=b', 'fieldKey', 'a\u241B005C=b'],
      ['a\\ b', 'measurement', 'a\u241B005C b'],
      ['a\\"b', 'measurement', 'a\u241B005C"b'],
      ['a\\\\', 'tagValue', 'a\\\u241B005C'],
      ['#comment', 'measurement', '\u241B0023comment'],
      ['#tag', 'tagValue', '#tag'],
      ['\tx', 'measurement', '\u241B0009x'],
      ['\0x', 'fieldKey', '\u241B0000x'],
      ['\tx', 'tagKey', '\tx'],
      ['time', 'tagKey', '\u241B0074ime'],
      ['time', 'fieldKey', '\u241B0074ime'],
      ['time', 'measurement', 'time'],
      ['time', 'tagValue', 'time'],
      ['\u241B', 'fieldValue', '\u241B241B'],
      ['a\u241B0041', 'tagValue', 'a\u241B241B0041'],
      ['lone \ud800 high', 'fieldValue', 'lone \u241BD800 high'],
      ['lone \udc00', 'tagKey', 'lone \u241BDC00'],
      ['pair \ud83d\ude80', 'tagKey', 'pair \ud83d\ude80'],
    ];
    for (const [text, position, stored] of cases) {
      assert.equal(encodeStoredText(text, position), stored, `${position} ${JSON.stringify(text)}`);
      assert.equal(decodeStoredText(stored), text, `inverse of ${JSON.stringify(stored)}`);
    }
  });

  test('decode inverts encode for any string in any position (so encode is injective)', () => {
    fc.assert(
      fc.property(anyText, anyPosition, (text, position) => {
        assert.equal(decodeStoredText(encodeStoredText(text, position)), text);
      }),
      { numRuns: 20_000 },
    );
  });

  test('no two different inputs share a stored form', () => {
    fc.assert(
      fc.property(anyText, anyText, anyPosition, (a, b, position) => {
        fc.pre(a !== b);
        assert.notEqual(encodeStoredText(a, position), encodeStoredText(b, position));
      }),
      { numRuns: 20_000 },
    );
  });

  test('a stored identifier has nothing InfluxDB 1.6 refuses, drops or misreads', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(...IDENTIFIERS), (text, position) => {
        const stored = encodeStoredText(text, position);
        assert.notEqual(stored, '');
        assert.ok(!stored.includes('\n'));
        assert.ok(!/\\(?:[,= "]|$)/.test(stored), 'no backslash before a separator, quote or the end');
        assert.ok(isWellFormed(stored), 'valid UTF-16, so valid UTF-8 on the wire');
        if (position === 'measurement') assert.ok(!/^[#\t\0]/.test(stored));
        if (position === 'fieldKey') assert.ok(!/^[\t\0]/.test(stored));
        if (position === 'tagKey' || position === 'fieldKey') assert.notEqual(stored, 'time');
      }),
      { numRuns: 20_000 },
    );
  });

  test('a stored string field value is well-formed UTF-16 and otherwise untouched', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const stored = encodeStoredText(text, 'fieldValue');
        assert.ok(isWellFormed(stored));
        if (isWellFormed(text) && !text.includes('\u241B')) assert.equal(stored, text);
      }),
      { numRuns: 5_000 },
    );
  });
});
