import { DEFAULT_TIMESTAMP_FORMAT, DEFAULT_TIMESTAMP_JSON_LENGTH, writeDefaultTimestampJson } from './default-timestamp.js';
import { compileFormatter, tokenize } from './strftime.js';
import { compileParser, parseDefaultFast } from './strptime.js';

export { MAX_TIMESTAMP_FORMAT_LENGTH, SUPPORTED_DIRECTIVES } from './strftime.js';

/**
 * A strftime-style format compiled once: formats and parses timestamps held as
 * microseconds since the Unix epoch, UTC. Times are naive UTC like the Python client's
 * `datetime.utcnow()`.
 */
export interface TimestampCodec {
  /** The strftime format this codec was compiled from. */
  readonly format: string;
  /**
   * Formats microseconds since the epoch as Python's `datetime.strftime` would.
   *
   * @throws InvalidArgumentError when the time lies outside years 1..9999.
   */
  formatMicros(micros: bigint): string;
  /**
   * Parses text as Python's `datetime.strptime` would, to microseconds since the epoch.
   *
   * @throws WireFormatError naming the text and the format when they do not match.
   */
  parse(text: string): bigint;
}


function compileDefault(generic: TimestampCodec): TimestampCodec {
  const text = Buffer.alloc(DEFAULT_TIMESTAMP_JSON_LENGTH);
  const textView = new DataView(text.buffer, text.byteOffset, text.byteLength);
  return {
    format: DEFAULT_TIMESTAMP_FORMAT,
    formatMicros(micros) {
      const n = Number(micros);
      if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER)) return generic.formatMicros(micros);
      writeDefaultTimestampJson(textView, 0, n);
      return text.toString('latin1', 1, DEFAULT_TIMESTAMP_JSON_LENGTH - 1);
    },
    parse(text) {
      if (typeof text === 'string' && text.length === 27) {
        const fast = parseDefaultFast(text);
        if (fast !== undefined) return fast;
      }
      return generic.parse(text);
    },
  };
}

const MAX_CACHED = 64;
const cache = new Map<string, TimestampCodec>();

/**
 * Compiles a strftime format (cached by format string). Supported: `%Y %m %d %H %M %S
 * %f %j %y %b %B %a %A %I %p %z %Z %%` and literal text. `%z`/`%Z` format as empty
 * strings, as for Python's naive datetimes; on parse `%z` accepts empty, `Z` or an
 * offset such as `+0000`, `-05:00` (converted to UTC) and `%Z` accepts empty, `UTC` or
 * `GMT`. Parsing follows Python's `strptime`: case-insensitive, a whitespace run in the
 * format matches one or more whitespace characters, `%f` takes 1-6 digits padded on the
 * right, `%j` overrides month and day, and the whole text must match.
 *
 * @param format - The strftime format.
 * @returns The compiled codec.
 * @throws InvalidArgumentError when the format uses an unsupported directive.
 */
export function compileTimestampFormat(format: string): TimestampCodec {
  const cached = cache.get(format);
  if (cached !== undefined) return cached;
  const pieces = tokenize(format);
  const formatMicros = compileFormatter(pieces);
  const generic: TimestampCodec = {
    format,
    formatMicros,
    parse: compileParser(format, pieces),
  };
  const codec = format === DEFAULT_TIMESTAMP_FORMAT ? compileDefault(generic) : generic;
  // Formats come from configuration and from messages on the wire: bound the cache.
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(format, codec);
  return codec;
}
