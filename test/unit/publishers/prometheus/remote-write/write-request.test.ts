import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeWriteRequest, type TimeSeries } from '../../../../../src/publishers/prometheus/remote-write/write-request.js';
import { decodeWriteRequest } from '../../../../support/remote-write-decoder.js';

describe('encodeWriteRequest (remote write 1.0 protobuf, written by hand)', () => {
  it('decodes with protobufjs to what was encoded: UTF-8, long texts, special values, large timestamps', () => {
    const series: TimeSeries[] = [
      { labels: [['__name__', 'requests_total'], ['route', '/a "b" \\ c\nd ␛ 日本 😀']], samples: [{ value: 12.5, timestampMs: 1_764_000_000_123 }] },
      { labels: [['__name__', 'x'.repeat(300)], ['v', 'y'.repeat(20_000)]], samples: [{ value: Number.POSITIVE_INFINITY, timestampMs: 0 }] },
      { labels: [['__name__', 'neg']], samples: [{ value: -0.000001, timestampMs: Number.MAX_SAFE_INTEGER }, { value: 0, timestampMs: 1 }] },
      { labels: [['__name__', 'empty']], samples: [] },
    ];
    assert.deepEqual(decodeWriteRequest(encodeWriteRequest(series)), series);
    assert.deepEqual(decodeWriteRequest(encodeWriteRequest([])), []);
  });

  it('decodes to what was encoded for any series (property test against protobufjs)', () => {
    const label = fc.tuple(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 200 }));
    const sample = fc
      .tuple(fc.double({ noNaN: true }), fc.nat({ max: Number.MAX_SAFE_INTEGER }))
      .map(([value, timestampMs]) => ({ value, timestampMs }));
    const series = fc
      .tuple(fc.array(label, { maxLength: 6 }), fc.array(sample, { maxLength: 4 }))
      .map(([labels, samples]) => ({ labels, samples }));
    fc.assert(
      fc.property(fc.array(series, { maxLength: 20 }), (written) => {
        assert.deepEqual(decodeWriteRequest(encodeWriteRequest(written)), written);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps NaN (a value Prometheus takes as a sample) and refuses a timestamp it cannot write', () => {
    const [decoded] = decodeWriteRequest(encodeWriteRequest([{ labels: [['__name__', 'n']], samples: [{ value: Number.NaN, timestampMs: 5 }] }]));
    assert.ok(Number.isNaN(decoded?.samples[0]?.value));
    assert.throws(
      () => encodeWriteRequest([{ labels: [], samples: [{ value: 1, timestampMs: -1 }] }]),
      /a remote-write timestamp must be a non-negative whole number of ms; got -1/,
    );
  });
});
