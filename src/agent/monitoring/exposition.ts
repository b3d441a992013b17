/** One sample of a metric family: an optional name suffix (`_bucket`), labels, a value. */
export interface Sample {
  readonly suffix?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family as the Prometheus text format writes it: HELP, TYPE, then its samples. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly samples: readonly Sample[];
}

/** The content type of the Prometheus text exposition format this writes. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A number as the format writes it (`+Inf`, `-Inf`, `NaN`, else JavaScript's shortest form). */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/**
 * Written by hand rather than with prom-client: the agent keeps its figures as plain
 * numbers its components add to on the publish path (`AgentStats`) and reads them only
 * at scrape time, and prom-client's metrics own their values (a Histogram can only be
 * `observe`d, a Counter only `inc`remented), so using it would mean either its
 * label lookups on the publish path or resetting and refilling every metric per scrape.
 * Twenty families of text are less code than either, and need no runtime dependency.
 *
 * Writes `families` in the Prometheus text exposition format (version 0.0.4): each
 * family's `# HELP` and `# TYPE` lines, then one line per sample. A family without
 * samples is left out whole (a figure that could not be read is absent, not zero).
 */
export function renderExposition(families: readonly MetricFamily[]): string {
  let text = '';
  for (const family of families) {
    if (family.samples.length === 0) continue;
    text += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels ?? {});
      const labelText =
        labels.length === 0 ? '' : `{${labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
      text += `${family.name}${sample.suffix ?? ''}${labelText} ${formatSampleValue(sample.value)}\n`;
    }
  }
  return text;
}

/**
 * The samples of a histogram from per-bucket counts (not cumulative; the last count is the
 * +Inf bucket's), the upper bounds and the sum: cumulative `_bucket` lines, `_sum`, `_count`.
 */
export function histogramSamples(bounds: readonly number[], counts: readonly number[], sum: number): Sample[] {
  const samples: Sample[] = [];
  let cumulative = 0;
  for (const [i, count] of counts.entries()) {
    cumulative += count;
    const le = i < bounds.length ? formatSampleValue(bounds[i] as number) : '+Inf';
    samples.push({ suffix: '_bucket', labels: { le }, value: cumulative });
  }
  samples.push({ suffix: '_sum', value: sum }, { suffix: '_count', value: cumulative });
  return samples;
}
