import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { pyFloat, pyString, writePyFloat, writePyString } from '../../../src/wire/python-json.js';
import { FixedText, WireWriter } from '../../../src/wire/writer.js';
import { anyFiniteDouble, anyString } from '../metrics/arbitraries.js';

function written(write: (writer: WireWriter) => void, slabBytes = 4096): string {
  const writer = new WireWriter(slabBytes);
  writer.begin();
  write(writer);
  return writer.finish().toString('latin1');
}

describe('WireWriter', () => {
  test('views handed out keep their bytes while later messages fill new slabs', () => {
    const writer = new WireWriter(8);
    const expected: string[] = [];
    const views: Buffer[] = [];
    for (let i = 0; i < 50; i += 1) {
      const text = `message ${i} ${'x'.repeat(i % 13)}`;
      writer.begin();
      // In pieces, so slabs fill up in the middle of a message.
      for (const piece of text.split(' ')) {
        writer.ascii(piece);
        writer.ascii(' ');
      }
      expected.push(text + ' ');
      views.push(writer.finish());
    }
    assert.deepEqual(
      views.map((view) => view.toString('latin1')),
      expected,
    );
  });

  test('begin() discards an unfinished message without touching finished ones', () => {
    const writer = new WireWriter(16);
    writer.begin();
    writer.ascii('kept');
    const kept = writer.finish();
    writer.begin();
    writer.ascii('abandoned halfway, longer than a slab');
    writer.begin();
    writer.ascii('next');
    assert.equal(writer.finish().toString('latin1'), 'next');
    assert.equal(kept.toString('latin1'), 'kept');
  });

  test('finishText reuses the bytes and gives back a slab grown for one huge message', () => {
    const writer = new WireWriter(64);
    writer.begin();
    writer.ascii('y'.repeat(1000));
    assert.equal(writer.finishText(), 'y'.repeat(1000));
    assert.equal(writer.bytes.length, 64);
    writer.begin();
    writer.ascii('small');
    assert.equal(writer.finishText(), 'small');
  });

  test('digits of whole numbers, both sides of int32', () => {
    for (const n of [0, 7, 9, 10, 99, 100, 684, 999_999, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, 1e15 - 1]) {
      assert.equal(written((w) => w.digits(n)), String(n));
    }
  });

  test('fixed text of every length modulo four, across slab ends, followed by other writes', () => {
    for (const text of ['', '}', ': ', '", "', '{"name": ', ', "metadata": {}, "timestamp": ', 'a\r\nb']) {
      for (const slab of [1, 2, 3, 5, 64]) {
        assert.equal(
          written((w) => {
            w.ascii('x');
            w.fixed(new FixedText(text));
            w.ascii('y');
            w.fixed(new FixedText(text));
          }, slab),
          `x${text}y${text}`,
        );
      }
    }
  });
});

describe('writePyString and writePyFloat', () => {
  test('write what pyString and pyFloat return, also when a slab fills up mid-string', () => {
    fc.assert(
      fc.property(anyString, fc.nat({ max: 40 }), (s, slab) => {
        assert.equal(written((w) => writePyString(w, s), slab + 1), pyString(s));
        assert.equal(written((w) => writePyString(w, s)), pyString(s));
      }),
      { numRuns: 2000 },
    );
  });

  test('pyString of every code unit class: quotes, controls, DEL, non-ASCII, lone surrogates', () => {
    assert.equal(pyString('a"b\\c\n\x00\x7f\xe9\ud83d\ude80\udfff'), '"a\\"b\\\\c\\n\\u0000\\u007f\\u00e9\\ud83d\\ude80\\udfff"');
  });

  test('whole numbers are written digit by digit exactly as pyFloat formats them', () => {
    const wholes = fc.oneof(
      fc.integer({ min: -1e6, max: 1e6 }),
      fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
      fc.constantFrom(0, -0, 1e15 - 1, -(1e15 - 1), 1e15, 1e16 - 2, 1e16, 2 ** 53, 2 ** 63),
    );
    fc.assert(
      fc.property(fc.oneof(wholes, anyFiniteDouble), (x) => {
        assert.equal(written((w) => writePyFloat(w, x), 3), pyFloat(x));
      }),
      { numRuns: 5000 },
    );
  });

  test('numbers of up to three decimals, written digit by digit, and their neighbours, exactly as pyFloat', () => {
    const neighbours = (x: number): number[] => {
      const bits = new BigInt64Array(new Float64Array([x]).buffer)[0] as bigint;
      return [-1n, 0n, 1n].map((d) => new Float64Array(new BigInt64Array([bits + d]).buffer)[0] as number).filter(Number.isFinite);
    };
    const decimals = fc
      .tuple(fc.integer({ min: -(1e12 - 1), max: 1e12 - 1 }), fc.constantFrom(1000, 100, 10))
      .map(([k, divisor]) => k / divisor);
    const edges = fc.constantFrom(0.001, -0.001, 0.01, 0.1, 0.5, 1.25, 999_999_999.999, -999_999_999.999, 1e9 - 0.5, 1e9 + 0.5, 0.0005, 1.0005);
    fc.assert(
      fc.property(fc.oneof(decimals, edges), (x) => {
        for (const y of neighbours(x)) assert.equal(written((w) => writePyFloat(w, y), 2), pyFloat(y), String(y));
      }),
      { numRuns: 5000 },
    );
    assert.equal(written((w) => writePyFloat(w, 13.375)), '13.375');
    assert.equal(written((w) => writePyFloat(w, -0.05)), '-0.05');
    assert.equal(written((w) => writePyFloat(w, 12.5)), '12.5');
  });

  test('NaN and infinities are refused', () => {
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.throws(() => written((w) => writePyFloat(w, x)), InvalidArgumentError);
    }
  });
});
