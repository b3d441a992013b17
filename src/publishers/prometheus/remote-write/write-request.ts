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

/** A field's size with its key and length prefix. */
function delimitedSize(length: number): number {
  return 1 + varintSize(length) + length;
}

function labelSize(name: string, value: string): number {
  return delimitedSize(Buffer.byteLength(name)) + delimitedSize(Buffer.byteLength(value));
}

function sampleSize(sample: RemoteWriteSample): number {
  return 1 + 8 + 1 + varintSize(sample.timestampMs);
}

function seriesSize(series: TimeSeries): number {
  let size = 0;
  for (const [name, value] of series.labels) size += delimitedSize(labelSize(name, value));
  for (const sample of series.samples) size += delimitedSize(sampleSize(sample));
  return size;
}

function writeString(buffer: Buffer, offset: number, key: number, text: string): number {
  buffer[offset++] = key;
  const length = Buffer.byteLength(text);
  offset = writeVarint(buffer, offset, length);
  return offset + buffer.write(text, offset, 'utf8');
}

/**
 * A remote write 1.0 `WriteRequest` as protobuf bytes (to be snappy-compressed). Written
 * by hand: four messages of two fields each, where a protobuf library would add a
 * dependency and a conversion of every series into its objects; a unit test decodes the
 * bytes with protobufjs and the integration tests send them to Prometheus and
 * VictoriaMetrics. Every field is written, zero values included (valid protobuf).
 *
 * @throws RangeError for a timestamp that is not a non-negative safe integer.
 */
export function encodeWriteRequest(series: readonly TimeSeries[]): Buffer {
  const sizes = new Array<number>(series.length);
  let total = 0;
  for (const [i, one] of series.entries()) {
    for (const sample of one.samples) {
      if (!Number.isSafeInteger(sample.timestampMs) || sample.timestampMs < 0) {
        throw new RangeError(`a remote-write timestamp must be a non-negative whole number of ms; got ${sample.timestampMs}`);
      }
    }
    const size = seriesSize(one);
    sizes[i] = size;
    total += delimitedSize(size);
  }
  const buffer = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const [i, one] of series.entries()) {
    buffer[offset++] = LENGTH_DELIMITED_1;
    offset = writeVarint(buffer, offset, sizes[i] as number);
    for (const [name, value] of one.labels) {
      buffer[offset++] = LENGTH_DELIMITED_1;
      offset = writeVarint(buffer, offset, labelSize(name, value));
      offset = writeString(buffer, offset, LENGTH_DELIMITED_1, name);
      offset = writeString(buffer, offset, LENGTH_DELIMITED_2, value);
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
