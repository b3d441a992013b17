import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { pyFloat, pyString } from '../../../src/wire/python-json.js';

// Expected values are what Python 3.11 prints (json.dumps(s), repr(x)); python-parity.test
// checks thousands more against a live python3.

describe('pyString', () => {
  const cases: Array<[string, string]> = [
    ['', '""'],
    ['plain ascii ~!', '"plain ascii ~!"'],
    ['"', '"\\""'],
    ['\\', '"\\\\"'],
    ['/', '"/"'],
    ['\n\r\t\b\f', '"\\n\\r\\t\\b\\f"'],
    ['\x00\x01\x1b\x1f', '"\\u0000\\u0001\\u001b\\u001f"'],
    ['del\x7f', '"del\\u007f"'],
    ['\x80\xff', '"\\u0080\\u00ff"'],
    ['café', '"caf\\u00e9"'],
    ['日本', '"\\u65e5\\u672c"'],
    ['🚀', '"\\ud83d\\ude80"'],
    ['\ud800', '"\\ud800"'],
    ['a\udfffb', '"a\\udfffb"'],
    ['\u2028\ufeff\uffff', '"\\u2028\\ufeff\\uffff"'],
    ['C:\\temp\\', '"C:\\\\temp\\\\"'],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} -> ${expected}`, () => assert.equal(pyString(input), expected));
  }
});

describe('pyFloat', () => {
  const cases: Array<[number, string]> = [
    [7, '7.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [-5, '-5.0'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1.5, '1.5'],
    [123.456, '123.456'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-5, '1.5e-05'],
    [1e-7, '1e-07'],
    [1e15, '1000000000000000.0'],
    [9999999999999998, '9999999999999998.0'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [1e20, '1e+20'],
    [1.5e300, '1.5e+300'],
    [5e-324, '5e-324'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [-Number.MAX_VALUE, '-1.7976931348623157e+308'],
    [2 ** 63, '9.223372036854776e+18'],
    [1.0050000000000001, '1.0050000000000001'],
  ];
  for (const [input, expected] of cases) {
    test(`${input} -> ${expected}`, () => assert.equal(pyFloat(input), expected));
  }

  test('NaN and ±Infinity cannot be encoded', () => {
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.throws(() => pyFloat(x), InvalidArgumentError);
    }
    assert.throws(() => pyFloat(Number.NaN), /NaN/);
  });
});
