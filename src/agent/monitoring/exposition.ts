/** One sample of a metric family: an optional name suffix (`_bucket`), labels, a value. */
export interface Sample {
  readonly suffix?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** A number, or an exact decimal text (`12.000001`) written as it is. */
  readonly value: number | string;
  /**
   * Set on the last sample of a series (a counter's sample, a histogram's `_count`): when
   * the series began, in seconds since the epoch. OpenMetrics writes it as the series'
   * `_created` sample; the 0.0.4 text format as a gauge family `<name>_created`.
   */
  readonly created?: number;
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

/** The content type of the OpenMetrics text format this writes, for a scraper that asks for it. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** `text`: the Prometheus text format 0.0.4; `openmetrics`: OpenMetrics 1.0. */
export type ExpositionFormat = 'text' | 'openmetrics';

/** Which exposition format a scraper's `Accept` header asks for: OpenMetrics when it names it (Prometheus does, first). */
export function negotiateExposition(accept: string | undefined): ExpositionFormat {
  return accept !== undefined && /application\/openmetrics-text/i.test(accept) ? 'openmetrics' : 'text';
}

/** A number as the format writes it (`+Inf`, `-Inf`, `NaN`, else JavaScript's shortest form); a decimal text as it is. */
export function formatSampleValue(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

const NEEDS_ESCAPE = /[\\"\n]/;

function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string, format: ExpositionFormat): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return format === 'openmetrics' ? escaped.replace(/"/g, '\\"') : escaped;
}

/**
 * The `{name="value",...}` text of each labels object written, kept while the object
 * lives: a publisher that keeps its series' labels across scrapes (the Prometheus
 * publisher's thousands of series) has them escaped and joined once.
 */
const LABEL_TEXT = new WeakMap<Readonly<Record<string, string>>, string>();

function labelText(labels: Readonly<Record<string, string>> | undefined): string {
  if (labels === undefined) return '';
  let text = LABEL_TEXT.get(labels);
  if (text === undefined) {
    text = '';
    for (const name of Object.keys(labels)) text += `${text === '' ? '{' : ','}${name}="${escapeLabelValue(labels[name] as string)}"`;
    if (text !== '') text += '}';
    LABEL_TEXT.set(labels, text);
  }
  return text;
}

function sampleLine(name: string, labels: Readonly<Record<string, string>> | undefined, value: number | string): string {
  return `${name}${labelText(labels)} ${formatSampleValue(value)}\n`;
}

/** A sample's labels without `le` (the labels of its series): the same object when it has none. */
function seriesLabels(sample: Sample): Readonly<Record<string, string>> | undefined {
  if (sample.labels === undefined || !Object.hasOwn(sample.labels, 'le')) return sample.labels;
  const { le: _le, ...labels } = sample.labels;
  return labels;
}

/** The name a family's series share before their suffixes: a counter's without `_total`. */
export function familyBase(family: MetricFamily): string {
  return family.type === 'counter' && family.name.endsWith('_total') ? family.name.slice(0, -'_total'.length) : family.name;
}

/**
 * Written by hand rather than with prom-client: the agent keeps its figures as plain
 * numbers its components add to on the publish path (`AgentStats`) and reads them only
 * at scrape time, and prom-client's metrics own their values (a Histogram can only be
 * `observe`d, a Counter only `inc`remented), so using it would mean either its
 * label lookups on the publish path or resetting and refilling every metric per scrape.
 * Twenty families of text are less code than either, and need no runtime dependency.
 *
 * Writes `families` in the Prometheus text exposition format (version 0.0.4), or in
 * OpenMetrics 1.0 (counter families named without `_total`, `_created` samples in their
 * series, `# EOF` at the end): each family's `# HELP` and `# TYPE` lines, then one line
 * per sample. A family without samples is left out whole (a figure that could not be
 * read is absent, not zero).
 */
export function renderExposition(families: readonly MetricFamily[], format: ExpositionFormat = 'text'): string {
  let text = '';
  for (const family of families) {
    if (family.samples.length === 0) continue;
    const base = familyBase(family);
    const head = format === 'openmetrics' ? base : family.name;
    text += `# HELP ${head} ${escapeHelp(family.help, format)}\n# TYPE ${head} ${family.type}\n`;
    let created = '';
    for (const sample of family.samples) {
      text += sampleLine(`${family.name}${sample.suffix ?? ''}`, sample.labels, sample.value);
      if (sample.created === undefined) continue;
      const line = sampleLine(`${base}_created`, seriesLabels(sample), sample.created);
      if (format === 'openmetrics') text += line;
      else created += line;
    }
    if (created !== '') {
      text += `# HELP ${base}_created When each series of ${base} began, in seconds since the epoch.\n# TYPE ${base}_created gauge\n${created}`;
    }
  }
  return format === 'openmetrics' ? `${text}# EOF\n` : text;
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
