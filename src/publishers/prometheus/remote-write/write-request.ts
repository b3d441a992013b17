/** One sample of a remote-write series: a value at a time (ms since the epoch). */
export interface RemoteWriteSample {
  readonly value: number;
  readonly timestampMs: number;
}

/** One series of a remote-write request. */
export interface TimeSeries {
  /** `[name, value]` pairs sorted by name, `__name__` among them; no empty value, no name twice. */
  readonly labels: readonly (readonly [string, string])[];
  /** Oldest first. */
  readonly samples: readonly RemoteWriteSample[];
}

// Field keys (field number << 3 | wire type) of remote write 1.0's messages
// (prometheus/prompb remote.proto and types.proto):
//   WriteRequest { repeated TimeSeries timeseries = 1; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }
const LENGTH_DELIMITED_1 = 0x0a;
const LENGTH_DELIMITED_2 = 0x12;
const FIXED64_1 = 0x09;
const VARINT_2 = 0x10;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size += 1;
  }
  return size;
}

function writeVarint(buffer: Buffer, offset: number, n: number): number {
  while (n >= 0x80) {
    buffer[offset++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buffer[offset++] = n;
  return offset;
}

/**
 * Writes `text` (of `length` UTF-8 bytes) at `offset`: ASCII (as long in bytes as in
 * UTF-16 units) byte by byte, which beats `Buffer.write`'s call into C++ for the short
 * texts of labels; anything else with `Buffer.write`.
 */
function writeText(buffer: Buffer, offset: number, text: string, length: number): number {
  if (length !== text.length || length > 64) return offset + buffer.write(text, offset, length, 'utf8');
  for (let i = 0; i < length; i += 1) buffer[offset + i] = text.charCodeAt(i);
  return offset + length;
}

/** A field's size with its key and length prefix. */
function delimitedSize(length: number): number {
  return 1 + varintSize(length) + length;
}

function sampleSize(sample: RemoteWriteSample): number {
  return 1 + 8 + 1 + varintSize(sample.timestampMs);
}

/**
 * A remote write 1.0 `WriteRequest` as protobuf bytes (to be snappy-compressed). Written
 * by hand: four messages of two fields each, where a protobuf library would add a
 * dependency and a conversion of every series into its objects; a unit test decodes the
 * bytes with protobufjs and the integration tests send them to Prometheus and
 * VictoriaMetrics. Every field is written, zero values included (valid protobuf). Sizes
 * come first (protobuf prefixes each message with its length), each text's UTF-8 length
 * measured once.
 *
 * @throws RangeError for a timestamp that is not a non-negative safe integer.
 */
export function encodeWriteRequest(series: readonly TimeSeries[]): Buffer {
  // Per series its size; per label the UTF-8 lengths of its name and value, in order.
  const seriesSizes: number[] = [];
  const textLengths: number[] = [];
  let total = 0;
  for (const one of series) {
    let size = 0;
    for (const [name, value] of one.labels) {
      const nameLength = Buffer.byteLength(name);
      const valueLength = Buffer.byteLength(value);
      textLengths.push(nameLength, valueLength);
      size += delimitedSize(delimitedSize(nameLength) + delimitedSize(valueLength));
    }
    for (const sample of one.samples) {
      if (!Number.isSafeInteger(sample.timestampMs) || sample.timestampMs < 0) {
        throw new RangeError(`a remote-write timestamp must be a non-negative whole number of ms; got ${sample.timestampMs}`);
      }
      size += delimitedSize(sampleSize(sample));
    }
    seriesSizes.push(size);
    total += delimitedSize(size);
  }
  const buffer = Buffer.allocUnsafe(total);
  let offset = 0;
  let text = 0;
  for (const [i, one] of series.entries()) {
    buffer[offset++] = LENGTH_DELIMITED_1;
    offset = writeVarint(buffer, offset, seriesSizes[i] as number);
    for (const [name, value] of one.labels) {
      const nameLength = textLengths[text++] as number;
      const valueLength = textLengths[text++] as number;
      buffer[offset++] = LENGTH_DELIMITED_1;
      offset = writeVarint(buffer, offset, delimitedSize(nameLength) + delimitedSize(valueLength));
      buffer[offset++] = LENGTH_DELIMITED_1;
      offset = writeVarint(buffer, offset, nameLength);
      offset = writeText(buffer, offset, name, nameLength);
      buffer[offset++] = LENGTH_DELIMITED_2;
      offset = writeVarint(buffer, offset, valueLength);
      offset = writeText(buffer, offset, value, valueLength);
    }
    for (const sample of one.samples) {
      buffer[offset++] = LENGTH_DELIMITED_2;
      offset = writeVarint(buffer, offset, sampleSize(sample));
      buffer[offset++] = FIXED64_1;
      offset = buffer.writeDoubleLE(sample.value, offset);
      buffer[offset++] = VARINT_2;
      offset = writeVarint(buffer, offset, sample.timestampMs);
    }
  }
  if (offset !== total) throw new Error(`remote-write encoding wrote ${offset} bytes of ${total}: a bug`);
  return buffer;
}
