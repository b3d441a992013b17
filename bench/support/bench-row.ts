/** One line of the benchmark table. */
export interface BenchRow {
  /** Which benchmark produced it (`record`, `encode-send`, ...). */
  readonly bench: string;
  /** What is measured, e.g. `addCount, existing counter`. */
  readonly figure: string;
  /** Our figure, formatted with its unit. */
  readonly ours: string;
  /** The peer's or the limit's figure, with its name, when there is one. */
  readonly peer?: string;
  /** ours ÷ peer (or ÷ limit), formatted, when there is a peer. */
  readonly ratio?: string;
  /** The target, e.g. `≤ 50 ns`. */
  readonly target?: string;
  /** Whether the target is met; unset when there is no target. */
  readonly met?: boolean;
  /** The raw number behind `ours` (for JSON output and the smoke test). */
  readonly value: number;
}

/** `value` with about three significant digits and `unit`. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `${value} ${unit}`.trim();
  const abs = Math.abs(value);
  let text: string;
  if (abs >= 100_000) text = Math.round(value).toLocaleString('en-US');
  else if (abs >= 100) text = value.toFixed(0);
  else if (abs >= 10) text = value.toFixed(1);
  else if (abs >= 1) text = value.toFixed(2);
  else if (abs === 0) text = '0';
  else text = value.toPrecision(2);
  return unit === '' ? text : `${text} ${unit}`;
}

/** A ratio as `0.42×`. */
export function formatRatio(ours: number, other: number): string {
  if (!(other > 0) || !Number.isFinite(ours)) return '—';
  const ratio = ours / other;
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio >= 1 ? ratio.toFixed(2) : ratio.toPrecision(2)}×`;
}

/**
 * The row of a rate that must reach `share` of a limit measured in the same run, e.g. an
 * agent's points/s against a minimal writer's into the same database.
 */
export function shareOfLimitRow(bench: string, figure: string, rate: number, limit: number, share: number, unit = 'points/s'): BenchRow {
  return {
    bench,
    figure,
    ours: formatValue(rate, unit),
    peer: `limit: ${formatValue(limit, unit)}`,
    ratio: formatRatio(rate, limit),
    target: `≥ ${share * 100}% of limit`,
    met: rate >= share * limit,
    value: rate,
  };
}
