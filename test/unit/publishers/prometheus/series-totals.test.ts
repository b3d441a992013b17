import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decimalText, groupTotals, seriesIdText, splitIncrement, totalName } from '../../../../src/publishers/prometheus/series-totals.js';

describe('series totals', () => {
  it('writes whole units and millionths as an exact decimal, whatever their signs', () => {
    assert.equal(decimalText(0n, 0n), '0');
    assert.equal(decimalText(12n, 500_000n), '12.5');
    assert.equal(decimalText(0n, 1n), '0.000001');
    assert.equal(decimalText(-3n, -250_000n), '-3.25');
    assert.equal(decimalText(5n, -1n), '4.999999');
    assert.equal(decimalText(0n, 3_000_000n), '3');
    assert.equal(decimalText(9_000_000_000_000n, 1n), '9000000000000.000001');
  });

  it('splits an increment into whole units and millionths that add back to it, to the millionth', () => {
    for (const value of [0, 1, 0.1, 1.5, -2.5, 1e15, 123.4567894, -0.0000006, 0.9999996, 2 ** 60]) {
      const { whole, millionths } = splitIncrement(value);
      assert.ok(millionths > -1_000_000n && millionths < 1_000_000n, `${value}`);
      assert.equal(Number(decimalText(whole, millionths)), Math.round(value * 1e6) / 1e6, `${value}`);
    }
    // Ten increments of 0.1 are exactly 1.
    let whole = 0n;
    let millionths = 0n;
    for (let i = 0; i < 10; i += 1) {
      const part = splitIncrement(0.1);
      whole += part.whole;
      millionths += part.millionths;
    }
    assert.equal(decimalText(whole, millionths), '1');
  });

  it('groups totals by series and leaves out names it did not write', () => {
    const id = seriesIdText({ kind: 'c', name: 'a|b', dimensions: [['k', 'v|w']], layout: '' });
    const state = new Map([
      [totalName('w', id), 3n],
      [totalName('u', id), 5n],
      ['someone else', 1n],
      ['w|not json', 1n],
      ['w|["x","a",null,""]', 1n],
    ]);
    const series = groupTotals(state);
    assert.deepEqual([...series.keys()], [id]);
    assert.deepEqual(series.get(id)?.id, { kind: 'c', name: 'a|b', dimensions: [['k', 'v|w']], layout: '' });
    assert.deepEqual(series.get(id)?.fields, new Map([['w', 3n], ['u', 5n]]));
  });
});
