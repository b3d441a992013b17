import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeriesOrder } from '../../../../src/publishers/prometheus/series-families.js';
import {
  decimalText,
  groupTotals,
  seriesIdText,
  splitIncrement,
  totalName,
  type SeriesTotals,
  type TotalNameParts,
} from '../../../../src/publishers/prometheus/series-totals.js';

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

  it('parses each name once across reads, and groups the next read by what the names said', () => {
    const id = seriesIdText({ kind: 'c', name: 'requests', dimensions: [['route', '/a']], layout: '' });
    const known = new Map<string, TotalNameParts>();
    groupTotals(new Map([[totalName('w', id), 1n], ['foreign', 1n]]), known);
    assert.deepEqual([...known.keys()], [totalName('w', id), 'foreign']);
    assert.equal(known.get('foreign'), null);
    const parts = known.get(totalName('w', id));
    const again = groupTotals(new Map([[totalName('w', id), 4n], [totalName('u', id), 2n]]), known);
    assert.equal(known.get(totalName('w', id)), parts, 'a name read before is not parsed again');
    assert.deepEqual(again.get(id)?.fields, new Map([['w', 4n], ['u', 2n]]));
  });
});

describe('series order', () => {
  const series = (...names: string[]): Map<string, SeriesTotals> =>
    new Map(
      names.map((name) => {
        const id = { kind: 'c' as const, name, dimensions: [], layout: '' };
        const idText = seriesIdText(id);
        return [idText, { id, idText, fields: new Map([['w', 1n]]) }];
      }),
    );
  const namesOf = (ordered: readonly SeriesTotals[]): string[] => ordered.map((one) => one.id.name);

  it('sorts by id, takes the same series in the same order again, and sorts afresh when one comes or goes', () => {
    const order = new SeriesOrder();
    assert.deepEqual(namesOf(order.sorted(series('c', 'a', 'b'))), ['a', 'b', 'c']);
    assert.deepEqual(namesOf(order.sorted(series('b', 'c', 'a'))), ['a', 'b', 'c']);
    const next = series('b', 'c', 'a');
    assert.equal(order.sorted(next)[0], next.get(seriesIdText({ kind: 'c', name: 'a', dimensions: [], layout: '' })), 'this read\'s totals');
    assert.deepEqual(namesOf(order.sorted(series('c', 'd', 'a'))), ['a', 'c', 'd'], 'one replaced by another');
    assert.deepEqual(namesOf(order.sorted(series('c', 'a'))), ['a', 'c'], 'one gone');
    assert.deepEqual(namesOf(order.sorted(series('e', 'c', 'a'))), ['a', 'c', 'e'], 'one come');
  });
});
