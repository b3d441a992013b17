import { hash } from 'node:crypto';
import type { Metrics } from '../../metrics/metrics.js';
import { messageContentKey } from '../../metrics/message-content-key.js';
import type { MessageIdentity } from '../publisher.js';
import { copyField, encodePostgresText, jsonObject } from './postgres-text.js';

/** The columns of a row, in the order of `copyRows`' fields. */
export const POINT_COLUMNS = ['time', 'name', 'kind', 'dimensions', 'value', 'unit', 'metadata', 'identity', 'position'] as const;

const MICROS_PER_MS = 1000n;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * `micros` (microseconds since the epoch, UTC) as PostgreSQL `timestamptz` input:
 * `YYYY-MM-DD HH:MM:SS.ffffff+00`, years before 1 AD as `... BC` (PostgreSQL has no year 0).
 * Exact to the microsecond, Kadabra's resolution and PostgreSQL's.
 */
export function timestampText(micros: bigint): string {
  let ms = micros / MICROS_PER_MS;
  let below = micros % MICROS_PER_MS;
  if (below < 0n) {
    below += MICROS_PER_MS;
    ms -= 1n;
  }
  const date = new Date(Number(ms));
  const year = date.getUTCFullYear();
  const fraction = pad(date.getUTCMilliseconds(), 3) + pad(Number(below), 3);
  const text = `${pad(year > 0 ? year : 1 - year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)} ` +
    `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${fraction}+00`;
  return year > 0 ? text : `${text} BC`;
}

/** A float as PostgreSQL `double precision` input, exactly: shortest round-trip digits, `-0`, `NaN`, `Infinity`. */
export function floatText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * The identity column of a message's rows: the channel's identity of the message (its
 * receipt's `id`, after `shard/` for a sharded channel), `#`, and 16 hex digits of a
 * SHA-256 of its content. The channel's identity keeps two messages with identical
 * content apart; the digest keeps apart messages of two channels whose identities
 * coincide (row ids of two SQLite files). A republish has both the same, so it adds
 * nothing. Without an identity (a publisher used directly), the digest alone: identical
 * content is then one message.
 */
export function identityText(metrics: Metrics, identity: MessageIdentity | undefined): string {
  const digest = hash('sha256', messageContentKey(metrics), 'hex').slice(0, 16);
  if (identity === undefined) return `#${digest}`;
  const channelIdentity = identity.shard === '' ? identity.id : `${identity.shard}/${identity.id}`;
  return `${encodePostgresText(channelIdentity)}#${digest}`;
}

/**
 * The rows of one message in COPY's text format (one line each, `\n`-terminated): one
 * per timer, then one per counter, then one per gauge (kind `gauge`, no unit),
 * `position` counting from 0 in that order. Strings are
 * stored as `encodePostgresText` maps them; a repeated dimension name keeps its last value.
 */
export function copyRows(metrics: Metrics, identity: MessageIdentity | undefined): string {
  const { timers, counters, gauges } = metrics;
  if (timers.length + counters.length + gauges.length === 0) return '';
  const dimensions = copyField(jsonObject(metrics.dimensions.map((d) => [d.name, d.value] as const)));
  const tail = '\t' + copyField(identityText(metrics, identity)) + '\t';
  let out = '';
  let position = 0;
  for (const timer of timers) {
    out +=
      timestampText(timer.timestamp) + '\t' + copyField(encodePostgresText(timer.name)) + '\ttimer\t' + dimensions + '\t' +
      floatText(timer.value) + '\t' + copyField(encodePostgresText(timer.unit.name)) + '\t' +
      copyField(jsonObject(Object.entries(timer.metadata))) + tail + String(position) + '\n';
    position += 1;
  }
  for (const [kind, list] of [['counter', counters], ['gauge', gauges]] as const) {
    for (const metric of list) {
      out +=
        timestampText(metric.timestamp) + '\t' + copyField(encodePostgresText(metric.name)) + '\t' + kind + '\t' + dimensions + '\t' +
        floatText(metric.value) + '\t\\N\t' + copyField(jsonObject(Object.entries(metric.metadata))) + tail + String(position) + '\n';
      position += 1;
    }
  }
  return out;
}
