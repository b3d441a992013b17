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
});
