import { STORE_ESCAPE, escapeCodeUnit } from '../influxdb/stored-text.js';

/**
 * How Kadabra names become Prometheus names: one injective rule for metric names and one
 * for label names, so no two Kadabra names ever share a Prometheus name, whatever
 * suffix (`_total`, `_seconds_bucket`, ...) the series adds (docs/prometheus.md, "Names").
 *
 * A name is kept as it is when Prometheus accepts it and it is not reserved; otherwise it
 * is written in Prometheus' own "underscore escaping" form: `U__`, then the name with
 * every `_` doubled and every character outside `[A-Za-z0-9:]` (`[A-Za-z0-9]` in label
 * names) written as `_<hex code point>_`. `api.requests` becomes `U__api_2e_requests`.
 * A name that starts with `U__` is reserved, so a kept name never looks escaped.
 */
export const ESCAPE_PREFIX = 'U__';

/**
 * Every name the series of one Kadabra metric can add to its base name (`_gauge`: a gauge
 * named as a counter is, see `gauge-families.ts`).
 */
export const SERIES_SUFFIXES = ['_total', '_created', '_seconds', '_bucket', '_sum', '_count', '_gauge'] as const;

/**
 * Metric name prefixes never kept: the agent's own series', and `_` (Prometheus reserves
 * names starting with `__`, which `_` and a suffix would make).
 */
export const RESERVED_METRIC_PREFIXES = ['kadabra_agent_', 'kadabra_prometheus_', '_'] as const;

/** Label names Prometheus gives a meaning (`le`, `quantile`), overwrites (`job`, `instance`) or reserves (`__*`), and the overflow marker. */
export const RESERVED_LABEL_NAMES = ['le', 'quantile', 'job', 'instance', 'kadabra_overflow'] as const;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeName(name: string, kept: RegExp): string {
  let out = ESCAPE_PREFIX;
  for (const char of name) {
    if (char === '_') out += '__';
    else if (kept.test(char)) out += char;
    else out += `_${(char.codePointAt(0) as number).toString(16)}_`;
  }
  return out;
}

/**
 * The base name of a Kadabra metric's series (before `_total`, `_seconds`...): kept
 * when it matches `[a-zA-Z_:][a-zA-Z0-9_:]*`, does not start with `U__`, `_`,
 * `kadabra_agent_` or `kadabra_prometheus_`, and does not end in a suffix a series adds
 * (`_total`, `_created`, `_seconds`, `_bucket`, `_sum`, `_count`, `_gauge`); escaped otherwise.
 * Ending in such a suffix is reserved so that `x_total` (a counter named `x_total`) can
 * never be the `_total` of a counter named `x`.
 */
export function prometheusMetricName(name: string): string {
  const kept =
    METRIC_NAME.test(name) &&
    !name.startsWith(ESCAPE_PREFIX) &&
    !RESERVED_METRIC_PREFIXES.some((prefix) => name.startsWith(prefix)) &&
    !SERIES_SUFFIXES.some((suffix) => name.endsWith(suffix));
  return kept ? name : escapeName(name, /^[A-Za-z0-9:]$/);
}

/**
 * The label name of a Kadabra dimension: kept when it matches `[a-zA-Z_][a-zA-Z0-9_]*`,
 * is not reserved (`le`, `quantile`, `job`, `instance`, `kadabra_overflow`, anything
 * starting with `__`) and does not start with `U__`; escaped otherwise (`le` becomes `U__le`).
 */
export function prometheusLabelName(name: string): string {
  const kept =
    LABEL_NAME.test(name) &&
    !name.startsWith(ESCAPE_PREFIX) &&
    !name.startsWith('__') &&
    !(RESERVED_LABEL_NAMES as readonly string[]).includes(name);
  return kept ? name : escapeName(name, /^[A-Za-z0-9]$/);
}

/**
 * The label value of a Kadabra dimension value. Prometheus treats an empty label value as
 * no label at all, so, as the InfluxDB publisher stores text: the empty value is written
 * `␛` (U+241B) alone, and `␛` itself and unpaired surrogates (not UTF-8) as `␛` and the
 * four hex digits of the code unit. Every other value is kept as it is (the exposition
 * format escapes `\`, `"` and line feeds).
 */
export function prometheusLabelValue(value: string): string {
  if (value.length === 0) return STORE_ESCAPE;
  let out = '';
  for (let i = 0; i < value.length; i += 1) {
    const unit = value.charCodeAt(i);
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const low = unit >= 0xdc00 && unit <= 0xdfff;
    if (high && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value.slice(i, i + 2);
        i += 1;
        continue;
      }
    }
    out += unit === 0x241b || high || low ? escapeCodeUnit(unit) : value[i];
  }
  return out;
}

/**
 * The Kadabra name a Prometheus base or label name stands for: the inverse of
 * `prometheusMetricName` and `prometheusLabelName` (for docs and tests: PromQL users read
 * names this way).
 * @throws Error when `name` is in escaped form but not one these functions write.
 */
export function kadabraName(name: string): string {
  if (!name.startsWith(ESCAPE_PREFIX)) return name;
  let out = '';
  const body = name.slice(ESCAPE_PREFIX.length);
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i] as string;
    if (char !== '_') {
      out += char;
      continue;
    }
    if (body[i + 1] === '_') {
      out += '_';
      i += 1;
      continue;
    }
    const end = body.indexOf('_', i + 1);
    const hex = body.slice(i + 1, end);
    if (end === -1 || !/^[0-9a-f]{1,6}$/.test(hex)) throw new Error(`${JSON.stringify(name)} is not an escaped name`);
    out += String.fromCodePoint(Number.parseInt(hex, 16));
    i = end;
  }
  return out;
}
