import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { histogramQuantile } from '../../../../../src/agent/monitoring/status/histogram-quantile.js';

const BOUNDS = [0.01, 0.1, 1];

describe('histogramQuantile', () => {
  it('is undefined without observations', () => {
    assert.equal(histogramQuantile(BOUNDS, [0, 0, 0, 0], 0.5), undefined);
  });

  it('interpolates linearly inside the bucket holding the rank, the first bucket starting at 0', () => {
    // 10 observations in (0, 0.01]: the median is halfway through it.
    assert.equal(histogramQuantile(BOUNDS, [10, 0, 0, 0], 0.5), 0.005);
    // 4 in the first bucket, 6 in (0.01, 0.1]: rank 5 is the first of the 6, 1/6 of the way.
    assert.ok(Math.abs((histogramQuantile(BOUNDS, [4, 6, 0, 0], 0.5) as number) - (0.01 + 0.09 / 6)) < 1e-12);
    // p99 of 100: rank 99 is the 9th of the 10 in (0.1, 1].
    assert.ok(Math.abs((histogramQuantile(BOUNDS, [50, 40, 10, 0], 0.99) as number) - (0.1 + 0.9 * 0.9)) < 1e-12);
  });

  it('skips empty buckets: a rank on a bucket boundary answers that bucket\'s upper bound', () => {
    assert.equal(histogramQuantile(BOUNDS, [5, 0, 5, 0], 0.5), 0.01);
  });

  it('answers the highest finite bound for a rank in the +Inf bucket', () => {
    assert.equal(histogramQuantile(BOUNDS, [1, 0, 0, 9], 0.5), 1);
    assert.equal(histogramQuantile(BOUNDS, [0, 0, 0, 3], 0.99), 1);
  });

  it('agrees with the exact quantile of observations to within their bucket', () => {
    const observations = [0.002, 0.004, 0.02, 0.03, 0.05, 0.07, 0.2, 0.5, 0.9, 3];
    const bucketOf = (o: number): number => [...BOUNDS, Number.POSITIVE_INFINITY].findIndex((bound) => o <= bound);
    const counts = [0, 1, 2, 3].map((bucket) => observations.filter((o) => bucketOf(o) === bucket).length);
    assert.deepEqual(counts, [2, 4, 3, 1]);
    const median = histogramQuantile(BOUNDS, counts, 0.5) as number;
    assert.ok(median > 0.01 && median <= 0.1, `the exact median (0.05 to 0.07) lies in (0.01, 0.1]; estimated ${median}`);
  });
});
