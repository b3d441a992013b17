/**
 * The `q` quantile (0 to 1) of observations counted in histogram buckets, estimated as
 * Prometheus's `histogram_quantile` does: find the bucket holding the rank `q * total`
 * and interpolate linearly inside it (the first bucket starts at 0). A rank in the last,
 * unbounded bucket answers the highest finite bound: the histogram knows no more.
 *
 * @param bounds upper bounds of the finite buckets, ascending.
 * @param counts observations per bucket (not cumulative): one per bound, then the +Inf bucket.
 * @returns undefined when no observation was counted.
 */
export function histogramQuantile(bounds: readonly number[], counts: readonly number[], q: number): number | undefined {
  let total = 0;
  for (const count of counts) total += count;
  if (total === 0) return undefined;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let below = 0;
  for (const [i, count] of counts.entries()) {
    if (i >= bounds.length) break;
    if (count > 0 && below + count >= rank) {
      const lower = i === 0 ? 0 : (bounds[i - 1] as number);
      const upper = bounds[i] as number;
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return bounds[bounds.length - 1];
}
