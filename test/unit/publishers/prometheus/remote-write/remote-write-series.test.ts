import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricFamily } from '../../../../../src/agent/monitoring/exposition.js';
import { remoteWriteSeries } from '../../../../../src/publishers/prometheus/remote-write/remote-write-series.js';

describe('remoteWriteSeries', () => {
  it('is the series Prometheus stores from a scrape: one per sample line, _created as its own series, labels sorted', () => {
    const families: MetricFamily[] = [
      {
        name: 'requests_total',
        help: 'h',
        type: 'counter',
        samples: [{ labels: { route: '/a', agent: 'x' }, value: '12.000001', created: 1_700_000_000.5 }],
      },
      {
        name: 'work_seconds',
        help: 'h',
        type: 'histogram',
        samples: [
          { suffix: '_bucket', labels: { route: '/a', le: '0.1' }, value: '2' },
          { suffix: '_bucket', labels: { route: '/a', le: '+Inf' }, value: '3' },
          { suffix: '_sum', labels: { route: '/a' }, value: '0.25' },
          { suffix: '_count', labels: { route: '/a' }, value: '3', created: 1_700_000_001 },
        ],
      },
    ];
    const series = remoteWriteSeries(families, 1234, { job: 'kadabra', agent: 'external loses' });
    const shown = series.map((one) => [Object.fromEntries(one.labels), one.labels.map(([name]) => name), one.samples]);
    const at = (value: number) => [{ value, timestampMs: 1234 }];
    assert.deepEqual(shown, [
      [{ __name__: 'requests_total', agent: 'x', job: 'kadabra', route: '/a' }, ['__name__', 'agent', 'job', 'route'], at(12.000001)],
      [{ __name__: 'requests_created', agent: 'x', job: 'kadabra', route: '/a' }, ['__name__', 'agent', 'job', 'route'], at(1_700_000_000.5)],
      [{ __name__: 'work_seconds_bucket', agent: 'external loses', job: 'kadabra', le: '0.1', route: '/a' }, ['__name__', 'agent', 'job', 'le', 'route'], at(2)],
      [{ __name__: 'work_seconds_bucket', agent: 'external loses', job: 'kadabra', le: '+Inf', route: '/a' }, ['__name__', 'agent', 'job', 'le', 'route'], at(3)],
      [{ __name__: 'work_seconds_sum', agent: 'external loses', job: 'kadabra', route: '/a' }, ['__name__', 'agent', 'job', 'route'], at(0.25)],
      [{ __name__: 'work_seconds_count', agent: 'external loses', job: 'kadabra', route: '/a' }, ['__name__', 'agent', 'job', 'route'], at(3)],
      [{ __name__: 'work_seconds_created', agent: 'external loses', job: 'kadabra', route: '/a' }, ['__name__', 'agent', 'job', 'route'], at(1_700_000_001)],
    ]);
  });
});
