import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRatio, formatValue, type BenchRow } from '../../../bench/support/bench-row.js';
import { summarizeProfile } from '../../../bench/support/profile-summary.js';
import { median, percentile, summarize } from '../../../bench/support/stats.js';
import { formatMarkdown, formatTable } from '../../../bench/support/table.js';

describe('bench statistics', () => {
  it('median of odd and even counts', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  it('percentile by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile(values, 100), 100);
    assert.equal(percentile([7], 99), 7);
  });

  it('summarize keeps median and extremes', () => {
    assert.deepEqual(summarize([5, 1, 3]), { median: 3, min: 1, max: 5, runs: 3 });
  });
});

describe('bench table', () => {
  const rows: BenchRow[] = [
    { bench: 'a', figure: 'x', ours: formatValue(14.04, 'ns'), peer: 'p: 400 ns', ratio: formatRatio(14, 400), target: '≤ 50 ns', met: true, value: 14 },
    { bench: 'b', figure: 'y | z', ours: formatValue(250_000, 'msg/s'), value: 250_000 },
  ];

  it('formats values and ratios', () => {
    assert.equal(formatValue(14.04, 'ns'), '14.0 ns');
    assert.equal(formatValue(250_000, 'msg/s'), '250,000 msg/s');
    assert.equal(formatValue(0.071, 'B'), '0.071 B');
    assert.equal(formatRatio(14, 400), '0.035×');
    assert.equal(formatRatio(1, 0), '—');
  });

  it('prints one aligned table with a blank line between benchmarks', () => {
    const lines = formatTable(rows).split('\n');
    assert.match(lines[0] ?? '', /^figure \| ours/);
    assert.equal(lines.length, 5);
    assert.equal(lines[3], '');
    assert.match(lines[2] ?? '', /yes$/);
  });

  it('escapes pipes in Markdown', () => {
    assert.match(formatMarkdown(rows), /y \\\| z/);
  });
});

describe('profile summary', () => {
  // root -> main -> { work, setup }: setup sampled first (2 x 10 µs), then work (3 x 10 µs).
  const profile = {
    startTime: 1000,
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2] },
      { id: 2, callFrame: { functionName: 'main', url: 'file:///x/main.js', lineNumber: 0 }, children: [3, 4] },
      { id: 3, callFrame: { functionName: 'setup', url: 'file:///x/main.js', lineNumber: 4 } },
      { id: 4, callFrame: { functionName: 'work', url: 'file:///x/main.js', lineNumber: 9 } },
    ],
    samples: [3, 3, 4, 4, 4],
    timeDeltas: [10, 10, 10, 10, 10],
  };

  it('shares time by function, self and on the stack', () => {
    const summary = summarizeProfile(profile);
    assert.equal(summary.totalMs, 0.05);
    assert.deepEqual(summary.self, [['work x/main.js:10', 0.6], ['setup x/main.js:5', 0.4]]);
    const total = new Map(summary.total);
    assert.deepEqual([total.get('(root) :0'), total.get('main x/main.js:1'), total.get('work x/main.js:10')], [1, 1, 0.6]);
  });

  it('counts only the samples within a window when given one', () => {
    const summary = summarizeProfile(profile, 25, [1025, 1050]);
    assert.equal(summary.totalMs, 0.03);
    assert.deepEqual(summary.self, [['work x/main.js:10', 1]]);
  });
});
