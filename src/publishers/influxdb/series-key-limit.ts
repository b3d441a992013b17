/**
 * InfluxDB's longest key, in bytes: a point's series key (measurement and tag set as
 * written in line protocol) must not exceed it, nor may the series key plus `#!~#` plus
 * any of its field keys (InfluxDB 1.x answers "max key length exceeded").
 */
export const MAX_KEY_BYTES = 65_535;

/** What InfluxDB puts between a series key and a field key when it checks the length. */
const FIELD_KEY_SEPARATOR_BYTES = 4;

// A UTF-16 unit is at most 3 bytes of UTF-8, and a line holds its series key and a field
// key plus at least ` =0 0`: a shorter line cannot hold a longer key.
const SHORTEST_SUSPECT_LINE = Math.floor(MAX_KEY_BYTES / 3);

/** Whether `line` is long enough to hold a key InfluxDB refuses (the cheap test before `oversizedKeyReason`). */
export function mayExceedKeyLimit(line: string): boolean {
  return line.length > SHORTEST_SUSPECT_LINE;
}

/**
 * Why InfluxDB can never store `line` because a key of it is too long, or undefined.
 * `seriesKey` (measurement and tags) and `fieldKeys` are as written in it, escaped.
 * Checked before sending: such a line (a multi-megabyte tag value, say) cost InfluxDB so
 * much to refuse that a batch holding a few of them timed out on every attempt and was
 * retried forever (found by the chaos suite, chaos/scenarios/all-at-once.ts); refused
 * here, its message is dead-lettered at once.
 */
export function oversizedKeyReason(line: string, seriesKey: string, fieldKeys: readonly string[]): string | undefined {
  const seriesBytes = Buffer.byteLength(seriesKey, 'utf8');
  let longestField = 0;
  for (const key of fieldKeys) longestField = Math.max(longestField, Buffer.byteLength(key, 'utf8'));
  const bytes = seriesBytes + FIELD_KEY_SEPARATOR_BYTES + longestField;
  if (seriesBytes <= MAX_KEY_BYTES && bytes <= MAX_KEY_BYTES) return undefined;
  return (
    `max key length exceeded: the series key (measurement and tags) of "${line.slice(0, 60)}..." is ` +
    `${seriesBytes} bytes, ${bytes} with its longest field key; InfluxDB stores at most ${MAX_KEY_BYTES}`
  );
}
