import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSampleValue, histogramSamples, renderExposition } from '../../../../src/agent/monitoring/exposition.js';

describe('renderExposition', () => {
  it('writes HELP and TYPE before the samples of each family, labels quoted and escaped', () => {
    const text = renderExposition([
      { name: 'kadabra_agent_x_total', help: 'An x.\nSecond line \\ here.', type: 'counter', samples: [{ value: 3 }] },
      {
        name: 'kadabra_agent_y_total',
        help: 'A y.',
        type: 'counter',
        samples: [
          { labels: { reason: 'a "quoted"\\ reason\nnext' }, value: 1 },
          { labels: { reason: 'plain', other: 'b' }, value: 2.5 },
        ],
      },
    ]);
    assert.equal(
      text,
      [
        '# HELP kadabra_agent_x_total An x.\\nSecond line \\\\ here.',
        '# TYPE kadabra_agent_x_total counter',
        'kadabra_agent_x_total 3',
        '# HELP kadabra_agent_y_total A y.',
        '# TYPE kadabra_agent_y_total counter',
        'kadabra_agent_y_total{reason="a \\"quoted\\"\\\\ reason\\nnext"} 1',
        'kadabra_agent_y_total{reason="plain",other="b"} 2.5',
        '',
      ].join('\n'),
    );
  });

  it('leaves out a family without samples (a figure that could not be read is absent, not zero)', () => {
    const text = renderExposition([
      { name: 'kadabra_agent_queue_length', help: 'Waiting.', type: 'gauge', samples: [] },
      { name: 'kadabra_agent_channel_up', help: 'Up.', type: 'gauge', samples: [{ value: 0 }] },
    ]);
    assert.doesNotMatch(text, /queue_length/);
    assert.match(text, /^kadabra_agent_channel_up 0$/m);
  });

  it('writes special values as the format spells them', () => {
    assert.deepEqual(
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.25, 1e21].map(formatSampleValue),
      ['NaN', '+Inf', '-Inf', '0.25', '1e+21'],
    );
  });
});

describe('histogramSamples', () => {
  it('makes cumulative buckets ending in +Inf, then _sum and _count', () => {
    assert.deepEqual(histogramSamples([0.1, 1], [2, 0, 3], 7.5), [
      { suffix: '_bucket', labels: { le: '0.1' }, value: 2 },
      { suffix: '_bucket', labels: { le: '1' }, value: 2 },
      { suffix: '_bucket', labels: { le: '+Inf' }, value: 5 },
      { suffix: '_sum', value: 7.5 },
      { suffix: '_count', value: 5 },
    ]);
  });

  it('writes OpenMetrics: counter families named without _total, _created in each series, # EOF at the end', () => {
    const families = [
      { name: 'hits_total', help: 'Say "hi".', type: 'counter' as const, samples: [{ labels: { a: '1' }, value: '2.5', created: 1700000000.5 }] },
      {
        name: 'work_seconds',
        help: 'Work.',
        type: 'histogram' as const,
        samples: [
          { suffix: '_bucket', labels: { le: '1' }, value: 1 },
          { suffix: '_bucket', labels: { le: '+Inf' }, value: 2 },
          { suffix: '_sum', value: '3.000001' },
          { suffix: '_count', value: 2, created: 1700000001 },
        ],
      },
    ];
    assert.equal(
      renderExposition(families, 'openmetrics'),
      [
        '# HELP hits Say \\"hi\\".',
        '# TYPE hits counter',
        'hits_total{a="1"} 2.5',
        'hits_created{a="1"} 1700000000.5',
        '# HELP work_seconds Work.',
        '# TYPE work_seconds histogram',
        'work_seconds_bucket{le="1"} 1',
        'work_seconds_bucket{le="+Inf"} 2',
        'work_seconds_sum 3.000001',
        'work_seconds_count 2',
        'work_seconds_created 1700000001',
        '# EOF',
        '',
      ].join('\n'),
    );
    assert.equal(
      renderExposition(families),
      [
        '# HELP hits_total Say "hi".',
        '# TYPE hits_total counter',
        'hits_total{a="1"} 2.5',
        '# HELP hits_created When each series of hits began, in seconds since the epoch.',
        '# TYPE hits_created gauge',
        'hits_created{a="1"} 1700000000.5',
        '# HELP work_seconds Work.',
        '# TYPE work_seconds histogram',
        'work_seconds_bucket{le="1"} 1',
        'work_seconds_bucket{le="+Inf"} 2',
        'work_seconds_sum 3.000001',
        'work_seconds_count 2',
        '# HELP work_seconds_created When each series of work_seconds began, in seconds since the epoch.',
        '# TYPE work_seconds_created gauge',
        'work_seconds_created 1700000001',
        '',
      ].join('\n'),
    );
  });
});
