/**
 * InfluxDB's longest key, in bytes: a point's series key (measurement and tag set as
 * written in line protocol) must not exceed it, nor may the series key plus `#!~#` plus
 * any of its field keys (InfluxDB 1.x answers "max key length exceeded").
 */
export const MAX_KEY_BYTES = 65_535;

/** What InfluxDB puts between a series key and a field key when it checks the length. */
const FIELD_KEY_SEPARATOR_BYTES = 4;

// A UTF-16 unit is at most 3 bytes of UTF-8: a shorter line cannot hold a longer key.
const SHORTEST_SUSPECT_LINE = Math.floor(MAX_KEY_BYTES / 3);

/** Field keys of a line whose fields start at `from`, as written (escaped). */
function fieldKeys(line: string, from: number): string[] {
  const keys: string[] = [];
  let i = from;
  while (i < line.length) {
    const start = i;
    while (i < line.length && line[i] !== '=') i += line[i] === '\\' ? 2 : 1;
    keys.push(line.slice(start, i));
    i += 1;
    if (line[i] === '"') {
      // A quoted string: `\"` and `\\` are escapes.
      for (i += 1; i < line.length && line[i] !== '"'; ) i += line[i] === '\\' ? 2 : 1;
      i += 1;
    } else {
      while (i < line.length && line[i] !== ',' && line[i] !== ' ') i += 1;
    }
    if (line[i] !== ',') break;
    i += 1;
  }
  return keys;
}

/**
 * Why InfluxDB can never store this line of line protocol because a key of it is too
 * long, or undefined. Checked before sending: such a line (a multi-megabyte tag value,
 * say) cost InfluxDB so much to refuse that a batch holding a few of them timed out on
 * every attempt and was retried forever (found by the chaos suite,
 * chaos/scenarios/all-at-once.ts); refused here, its message is dead-lettered at once.
 */
export function oversizedKeyReason(line: string): string | undefined {
  if (line.length <= SHORTEST_SUSPECT_LINE) return undefined;
  // The series key ends at the first space not escaped by a backslash (formatLine
  // escapes every space of a measurement or tag; no stored identifier ends in a backslash).
  const end = /(?<!\\) /.exec(line)?.index ?? line.length;
  const seriesBytes = Buffer.byteLength(line.slice(0, end), 'utf8');
  const longestField = Math.max(0, ...fieldKeys(line, end + 1).map((key) => Buffer.byteLength(key, 'utf8')));
  const bytes = seriesBytes + FIELD_KEY_SEPARATOR_BYTES + longestField;
  if (seriesBytes <= MAX_KEY_BYTES && bytes <= MAX_KEY_BYTES) return undefined;
  return (
    `max key length exceeded: the series key (measurement and tags) of "${line.slice(0, 60)}..." is ` +
    `${seriesBytes} bytes, ${bytes} with its longest field key; InfluxDB stores at most ${MAX_KEY_BYTES}`
  );
}
