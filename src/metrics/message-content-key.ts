// The identity of a message's content, shared by the publishers: the InfluxDB publisher
// derives its points' sub-microsecond digits from it, the PostgreSQL publisher its rows'
// identity.
import type { Metrics } from './metrics.js';

const stringify = JSON.stringify as (text: string) => string;

/** Quoted forms remembered: names, dimensions and metadata repeat from message to message. */
const quotedTexts = new Map<string, string>();
const QUOTED_ENTRIES = 10_000;
/** Longer texts are quoted each time (a long, unique value must not stay in memory). */
const QUOTED_LENGTH = 64;

/** `JSON.stringify(text)`, remembered for short texts. */
function quote(text: string): string {
  let quoted = quotedTexts.get(text);
  if (quoted === undefined) {
    quoted = stringify(text);
    if (text.length <= QUOTED_LENGTH) {
      if (quotedTexts.size >= QUOTED_ENTRIES) quotedTexts.clear();
      quotedTexts.set(text, quoted);
    }
  }
  return quoted;
}

/** A number as `JSON.stringify` writes it (`null` for NaN and infinities). */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

function jsonEntries(metadata: Readonly<Record<string, string>>): string {
  let out = '[';
  for (const key of Object.keys(metadata)) {
    if (out.length > 1) out += ',';
    out += '[' + quote(key) + ',' + quote(metadata[key] as string) + ']';
  }
  return out + ']';
}

/**
 * A canonical text of everything in `metrics` (format, `serializedAt`, every name,
 * value, timestamp and metadata entry): equal for equal content, whatever wire bytes
 * carried it (key order, no `serialized_at` are both possible from other producers).
 *
 * It is exactly `JSON.stringify([format, serializedAt ?? null, [[name, value], ...],
 * [[name, unitName, secondsOffset, String(timestamp), value, entries(metadata)], ...]
 * (timers), [[name, String(timestamp), value, entries(metadata)], ...] (counters)])`,
 * with, only when there are gauges, a sixth element `[[name, String(timestamp), value,
 * entries(metadata)], ...]` (gauges), so that the key of every message without gauges
 * stays what it was. Written out by hand because the agent computes it for every message: the digits it
 * yields are in stored points, so it must never change.
 */
export function messageContentKey(metrics: Metrics): string {
  // `serializedAt` differs from message to message: quoted each time, never remembered.
  let key = '[' + quote(metrics.timestampFormat) + ',' + (metrics.serializedAt === undefined ? 'null' : stringify(metrics.serializedAt)) + ',[';
  const { dimensions, timers, counters, gauges } = metrics;
  for (let i = 0; i < dimensions.length; i += 1) {
    const d = dimensions[i] as (typeof dimensions)[number];
    key += (i > 0 ? ',[' : '[') + quote(d.name) + ',' + quote(d.value) + ']';
  }
  key += '],[';
  for (let i = 0; i < timers.length; i += 1) {
    const t = timers[i] as (typeof timers)[number];
    key +=
      (i > 0 ? ',[' : '[') + quote(t.name) + ',' + quote(t.unit.name) + ',' + jsonNumber(t.unit.secondsOffset) +
      ',"' + String(t.timestamp) + '",' + jsonNumber(t.value) + ',' + jsonEntries(t.metadata) + ']';
  }
  key += '],[';
  for (let i = 0; i < counters.length; i += 1) {
    const c = counters[i] as (typeof counters)[number];
    key += (i > 0 ? ',[' : '[') + quote(c.name) + ',"' + String(c.timestamp) + '",' + jsonNumber(c.value) + ',' + jsonEntries(c.metadata) + ']';
  }
  if (gauges.length > 0) {
    key += '],[';
    for (let i = 0; i < gauges.length; i += 1) {
      const g = gauges[i] as (typeof gauges)[number];
      key += (i > 0 ? ',[' : '[') + quote(g.name) + ',"' + String(g.timestamp) + '",' + jsonNumber(g.value) + ',' + jsonEntries(g.metadata) + ']';
    }
  }
  return key + ']]';
}
