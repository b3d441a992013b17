/**
 * The totals the Prometheus publisher keeps in its channel (`StateChange` totals, signed
 * 64-bit integers added to at each completion), and how their names encode a series.
 *
 * A total's name is `<field>|<series id>`, the series id being the JSON text of
 * `[kind, Kadabra metric name, dimensions | null, bucket layout]`. The fields of a
 * series' values start with `v` (`VALUE_PREFIX`): a scrape reads them alone, every time.
 * - kind `c`, a counter: fields `vw` (whole units, always written) and `vu` (millionths,
 *   written when not 0), so a sum of fractional increments is exact to the millionth
 *   whatever the order of adds;
 * - kind `h`, a timer's histogram: `vb<i>` the (non-cumulative) count of bucket `i` of
 *   the layout (the last one is `+Inf`), `vs` the sum in integer microseconds;
 * - kind `n`, the negative increments of a counter (dimensions null): `vw`, `vu`;
 * - every kind: `ct` and `cn`, the creation time claimed (ms since the epoch, summed) and
 *   how many claims: `_created` is their mean. These are kept in their own namespace
 *   (`CREATED_NAMESPACE`), written in the same completion as the values. An agent claims
 *   a series it does not know yet; two agents racing both claim it, within moments of
 *   each other. An agent reads a series' claims until it is `CLAIMS_SETTLE_MS` old, then
 *   keeps its `_created`.
 *
 * Kind `g`, a gauge, has no totals: its value is one of the namespace's values set if
 * newer (`StateChange.set`, `Channel.readLatest`), named by the series id text alone.
 *
 * Dimensions are `[name, value]` pairs sorted by name (the Kadabra names, unmapped), or
 * null for the overflow series of a metric over its cardinality limit.
 */
export type SeriesKind = 'c' | 'h' | 'n' | 'g';

/** A series' identity, as decoded from its totals' names. */
export interface SeriesId {
  readonly kind: SeriesKind;
  readonly name: string;
  /** Sorted by name; null: the metric's overflow series. */
  readonly dimensions: readonly (readonly [string, string])[] | null;
  /** A histogram's bucket upper bounds in seconds, comma-separated; `''` for the other kinds. */
  readonly layout: string;
}

/** The state namespace of the Prometheus publisher: its series' values, read at every scrape. */
export const PROMETHEUS_NAMESPACE = 'prometheus';

/**
 * The state namespace of its series' creation claims, kept apart from the values: a
 * scrape reads every value, and a series' claims only until they settle, so with both in
 * one namespace a scrape of 10,000 counter series read 30,000 totals for 10,000 values
 * (and took twice as long).
 */
export const CREATED_NAMESPACE = 'prometheus-created';

/** What the fields of a series' values start with, and the claims' fields do not. */
export const VALUE_PREFIX = 'v';

/** The fields of a series' totals (see the top of this file). */
export const FIELD = Object.freeze({
  whole: 'vw',
  millionths: 'vu',
  sumMicros: 'vs',
  bucket: (index: number): string => `vb${index}`,
  claimedMs: 'ct',
  claims: 'cn',
});

/**
 * The id text of a series (the part of its totals' names after `|`): the JSON text of
 * `[kind, name, dimensions, layout]`. `dimensionsJson` is `JSON.stringify(id.dimensions)`
 * when the caller has it already (once per message rather than once per point).
 */
export function seriesIdText(id: SeriesId, dimensionsJson = JSON.stringify(id.dimensions)): string {
  return `[${JSON.stringify(id.kind)},${JSON.stringify(id.name)},${dimensionsJson},${JSON.stringify(id.layout)}]`;
}

/** The name of one total of a series. */
export function totalName(field: string, idText: string): string {
  return `${field}|${idText}`;
}

/** The series id of an id text, or undefined for text this publisher did not write. */
export function parseSeriesId(idText: string): SeriesId | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(idText);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) return undefined;
  const [kind, name, dimensions, layout] = parsed as unknown[];
  if ((kind !== 'c' && kind !== 'h' && kind !== 'n' && kind !== 'g') || typeof name !== 'string' || typeof layout !== 'string') return undefined;
  const pairs =
    dimensions === null
      ? null
      : Array.isArray(dimensions) &&
          dimensions.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === 'string'))
        ? (dimensions as [string, string][])
        : undefined;
  if (pairs === undefined) return undefined;
  return { kind, name, dimensions: pairs, layout };
}

/** The totals of one series, read back from the channel. */
export interface SeriesTotals {
  readonly id: SeriesId;
  readonly idText: string;
  readonly fields: Map<string, bigint>;
}

/** What a total's name says: the field of which series; null for a name this publisher did not write. */
export type TotalNameParts = { readonly field: string; readonly idText: string; readonly id: SeriesId } | null;

/**
 * Groups a namespace's totals by series; totals of names this publisher did not write are
 * left out. Each name is parsed once: `known` keeps what every name read so far says (the
 * publisher keeps it across scrapes, so a scrape of unchanged series parses nothing).
 */
export function groupTotals(
  state: ReadonlyMap<string, bigint>,
  known: Map<string, TotalNameParts> = new Map(),
): Map<string, SeriesTotals> {
  const series = new Map<string, SeriesTotals>();
  const ids = new Map<string, SeriesId | null>();
  for (const [total, amount] of state) {
    let parts = known.get(total);
    if (parts === undefined) {
      parts = partsOf(total, ids);
      known.set(total, parts);
    }
    if (parts === null) continue;
    let entry = series.get(parts.idText);
    if (entry === undefined) {
      entry = { id: parts.id, idText: parts.idText, fields: new Map() };
      series.set(parts.idText, entry);
    }
    entry.fields.set(parts.field, amount);
  }
  return series;
}

/** The parts of a total's name; the series ids parsed so far in `ids`, so that a series' fields share one id. */
function partsOf(total: string, ids: Map<string, SeriesId | null>): TotalNameParts {
  const bar = total.indexOf('|');
  if (bar === -1) return null;
  const idText = total.slice(bar + 1);
  let id = ids.get(idText);
  if (id === undefined) {
    id = parseSeriesId(idText) ?? null;
    ids.set(idText, id);
  }
  return id === null ? null : { field: total.slice(0, bar), idText, id };
}

const MILLION = 1_000_000n;

/**
 * A whole/millionths pair as an exact decimal text (`-12.5`, `3`, `0.000001`): what the
 * exposition writes, so Prometheus parses the nearest double of the exact total.
 */
export function decimalText(whole: bigint, millionths: bigint): string {
  if (millionths === 0n) return whole.toString();
  const total = whole * MILLION + millionths;
  const negative = total < 0n;
  const magnitude = negative ? -total : total;
  const fraction = (magnitude % MILLION).toString().padStart(6, '0').replace(/0+$/, '');
  const text = `${magnitude / MILLION}${fraction === '' ? '' : `.${fraction}`}`;
  return negative ? `-${text}` : text;
}

/** Splits a finite increment into whole units and millionths (rounded to the nearest), both of its sign. */
export function splitIncrement(value: number): { whole: bigint; millionths: bigint } {
  const whole = Math.trunc(value);
  // value - whole is exact in IEEE double: the fraction of a double is a double.
  let millionths = Math.round((value - whole) * 1e6);
  let wholeBig = BigInt(whole);
  if (millionths === 1_000_000 || millionths === -1_000_000) {
    wholeBig += BigInt(Math.sign(millionths));
    millionths = 0;
  }
  return { whole: wholeBig, millionths: BigInt(millionths) };
}
