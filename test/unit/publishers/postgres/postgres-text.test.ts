import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { copyField, decodePostgresText, encodePostgresText, jsonObject } from '../../../../src/publishers/postgres/postgres-text.js';
import { floatText, timestampText } from '../../../../src/publishers/postgres/postgres-rows.js';
import { anyText } from '../../../support/awkward-text.js';

// NUL is what PostgreSQL cannot store.
// eslint-disable-next-line no-control-regex
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('encodePostgresText', () => {
  it('keeps text PostgreSQL can store as it is', () => {
    for (const text of ['', 'requests', 'a\tb\nc\\d', 'caf\u00e9 \u{1F600}', '\u241Bx']) {
      if (text.includes('\u241B')) continue;
      assert.equal(encodePostgresText(text), text);
    }
  });

  it('maps NUL, lone surrogates and the escape itself, and only them', () => {
    assert.equal(encodePostgresText('a\u0000b'), 'a\u241B0000b');
    assert.equal(encodePostgresText('\uD800x\uDFFF'), '\u241BD800x\u241BDFFF');
    assert.equal(encodePostgresText('\u241B0041'), '\u241B241B0041');
    assert.equal(encodePostgresText('\u{1F600}'), '\u{1F600}');
  });

  it('is injective (decodePostgresText inverts it) and leaves nothing PostgreSQL refuses', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const stored = encodePostgresText(text);
        assert.equal(decodePostgresText(stored), text);
        assert.doesNotMatch(stored, unstorable);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes JSON objects of stored text, a repeated key as often as given (jsonb keeps the last)', () => {
    assert.equal(jsonObject([['a', '1'], ['a\u0000', '"']]), '{"a":"1","a\u241B0000":"\\""}');
  });
});

describe('COPY text fields', () => {
  it('escapes backslash, line feed, carriage return and tab', () => {
    assert.equal(copyField('a\\b\nc\rd\te'), 'a\\\\b\\nc\\rd\\te');
    assert.equal(copyField('plain'), 'plain');
  });

  it('writes timestamps to the microsecond, before the epoch and before 1 AD too', () => {
    assert.equal(timestampText(1_704_164_645_123_456n), '2024-01-02 03:04:05.123456+00');
    assert.equal(timestampText(0n), '1970-01-01 00:00:00.000000+00');
    assert.equal(timestampText(-1n), '1969-12-31 23:59:59.999999+00');
    // Year 0 of the proleptic Gregorian calendar is 1 BC.
    assert.equal(timestampText(-62_167_219_200_000_000n), '0001-01-01 00:00:00.000000+00 BC');
  });

  it('writes floats exactly, -0 and the non-finite values too', () => {
    assert.deepEqual([0.1, -0, NaN, Infinity, -Infinity, 1e21, 5e-324].map(floatText), ['0.1', '-0', 'NaN', 'Infinity', '-Infinity', '1e+21', '5e-324']);
  });
});
