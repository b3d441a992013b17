import protobuf from 'protobufjs';
import snappy from 'snappyjs';
import type { TimeSeries } from '../../src/publishers/prometheus/remote-write/write-request.js';

// Remote write 1.0's messages (prometheus/prompb), for protobufjs: an independent decoder
// of what the agent encodes by hand.
const root = protobuf.Root.fromJSON({
  nested: {
    WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
    TimeSeries: {
      fields: {
        labels: { rule: 'repeated', type: 'Label', id: 1 },
        samples: { rule: 'repeated', type: 'Sample', id: 2 },
      },
    },
    Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
    Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
  },
});
const WriteRequest = root.lookupType('WriteRequest');

interface Decoded {
  timeseries?: { labels?: { name?: string; value?: string }[]; samples?: { value?: number; timestamp?: number | { toNumber(): number } }[] }[];
}

/** A `WriteRequest`'s protobuf bytes decoded by protobufjs, as `TimeSeries`. */
export function decodeWriteRequest(bytes: Uint8Array): TimeSeries[] {
  const decoded = WriteRequest.toObject(WriteRequest.decode(bytes), { longs: Number, defaults: true }) as Decoded;
  return (decoded.timeseries ?? []).map((series) => ({
    labels: (series.labels ?? []).map((label) => [label.name ?? '', label.value ?? ''] as const),
    samples: (series.samples ?? []).map((sample) => ({
      value: sample.value ?? 0,
      timestampMs: typeof sample.timestamp === 'number' ? sample.timestamp : (sample.timestamp?.toNumber() ?? 0),
    })),
  }));
}

/** A remote-write body (snappy block format, then protobuf) decoded. */
export function decodeRemoteWriteBody(body: Uint8Array): TimeSeries[] {
  return decodeWriteRequest(snappy.uncompress(body));
}
