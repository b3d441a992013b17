/** One message no publisher can store, with the marker that finds it in the dead-letter list. */
export interface BadMessage {
  readonly marker: string;
  readonly kind: string;
  readonly bytes: Buffer;
}

const FIVE_MB = 5 * 1024 * 1024;

function wire(marker: string, patch: Record<string, unknown>): string {
  const now = new Date().toISOString().replace(/Z$/, '000Z');
  return JSON.stringify({
    dimensions: [{ name: 'marker', value: marker }],
    counters: [{ name: 'bad', metadata: {}, timestamp: now, value: 1 }],
    timers: [],
    timestamp_format: '%Y-%m-%dT%H:%M:%S.%fZ',
    serialized_at: now,
    ...patch,
  });
}

/**
 * The kinds of bad message, in turn: not JSON, invalid UTF-8, JSON that is not an
 * object, missing keys, wrong types, `NaN` tokens, a number where a string belongs, and absurd
 * sizes (5 MB of non-JSON; a well-formed 5 MB message whose tag value InfluxDB refuses,
 * which the publisher, not the decoder, must reject). Each carries `marker`.
 */
const KINDS: readonly [string, (marker: string) => Buffer][] = [
  ['not JSON', (m) => Buffer.from(`this is not json ${m} {`)],
  ['invalid UTF-8', (m) => Buffer.concat([Buffer.from(`{"${m}": "`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')])],
  ['JSON array', (m) => Buffer.from(JSON.stringify([m, 1, 2]))],
  ['missing keys', (m) => Buffer.from(JSON.stringify({ dimensions: [{ name: 'marker', value: m }], counters: [] }))],
  ['wrong types', (m) => Buffer.from(wire(m, { counters: [{ name: 'bad', metadata: {}, timestamp: 'x', value: 'seven' }] }))],
  ['NaN token', (m) => Buffer.from(wire(m, {}).replace('"value":1', '"value":NaN'))],
  ['serialized_at a number', (m) => Buffer.from(wire(m, { serialized_at: 1700000000 }))],
  ['5 MB not JSON', (m) => Buffer.concat([Buffer.from(`${m} `), Buffer.alloc(FIVE_MB, 'x')])],
  ['5 MB tag value', (m) => Buffer.from(wire(m, { dimensions: [{ name: 'marker', value: m }, { name: 'huge', value: 'y'.repeat(FIVE_MB) }] }))],
];

/** Kinds whose bytes are 5 MB: slow to move around, so made only on request. */
const HUGE = new Set(['5 MB not JSON', '5 MB tag value']);

/**
 * Makes `count` bad messages with markers `<prefix>-<first + n>`: with `huge`, the two
 * 5 MB kinds first, then the other kinds in turn (continuing the cycle from `first`).
 */
export function makeBadMessages(prefix: string, count: number, first = 0, huge = false): BadMessage[] {
  const small = KINDS.filter(([kind]) => !HUGE.has(kind));
  const big = huge ? KINDS.filter(([kind]) => HUGE.has(kind)) : [];
  const out: BadMessage[] = [];
  for (let n = 0; n < count; n += 1) {
    const [kind, make] = (n < big.length ? big[n] : small[(first + n - big.length) % small.length]) as (typeof KINDS)[number];
    const marker = `${prefix}-${first + n}`;
    out.push({ marker, kind, bytes: make(marker) });
  }
  return out;
}
