import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  kadabraName,
  prometheusLabelName,
  prometheusLabelValue,
  prometheusMetricName,
} from '../../../../src/publishers/prometheus/prometheus-names.js';

/** Pieces names are built of: plain text, Prometheus' suffixes and prefixes, and characters every rule must escape. */
const PIECES = [
  'a', 'Z', 'x', 'U', '0', '7', ':', '_', '__', 'U__', '.', '-', ' ', '"', '\\', '\n', 'é', '␛', '😀', '\ud800', '\udc00',
  '_total', '_created', '_seconds', '_bucket', '_sum', '_count', '_2e_', '_c_', 'kadabra_agent_', 'kadabra_prometheus_',
  'le', 'job', 'instance', 'quantile', 'kadabra_overflow', '',
];

/** A deterministic pseudo-random generator (xorshift), so a failure can be reproduced. */
function randomNames(count: number, seed: number): string[] {
  let state = seed;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const names = new Set<string>(PIECES);
  for (const a of PIECES) for (const b of PIECES) names.add(a + b);
  while (names.size < count) {
    let name = '';
    const length = 1 + Math.floor(next() * 5);
    for (let i = 0; i < length; i += 1) name += PIECES[Math.floor(next() * PIECES.length)];
    names.add(name);
  }
  return [...names];
}

const NAMES = randomNames(20_000, 0x5eed1234);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Every series name a counter and a timer of one Kadabra name expose. */
function exposedNames(name: string): Array<[string, string]> {
  const base = prometheusMetricName(name);
  const timer = `${base}_seconds`;
  return [
    [base, 'counter family (OpenMetrics)'],
    [`${base}_total`, 'counter'],
    [`${base}_created`, 'counter created'],
    [timer, 'histogram family'],
    [`${timer}_bucket`, 'histogram bucket'],
    [`${timer}_sum`, 'histogram sum'],
    [`${timer}_count`, 'histogram count'],
    [`${timer}_created`, 'histogram created'],
  ];
}

describe('Prometheus metric names', () => {
  it('keeps a plain name and escapes the others into a valid name', () => {
    assert.equal(prometheusMetricName('http_requests'), 'http_requests');
    assert.equal(prometheusMetricName('api.requests'), 'U__api_2e_requests');
    assert.equal(prometheusMetricName('x_total'), 'U__x__total');
    assert.equal(prometheusMetricName('kadabra_agent_x'), 'U__kadabra__agent__x');
    assert.equal(prometheusMetricName('U__x'), 'U__U____x');
    assert.equal(prometheusMetricName('9lives'), 'U__9lives');
    assert.equal(prometheusMetricName(''), 'U__');
  });

  it(`is injective over ${NAMES.length} names, with every suffix a counter or a timer adds`, () => {
    const owner = new Map<string, string>();
    for (const name of NAMES) {
      for (const [exposed, what] of exposedNames(name)) {
        assert.match(exposed, METRIC_NAME, `${JSON.stringify(name)} -> ${exposed}`);
        assert.ok(!exposed.startsWith('kadabra_agent_') && !exposed.startsWith('__'), exposed);
        const key = `${what}:${name}`;
        const previous = owner.get(exposed);
        assert.ok(previous === undefined || previous === key, `${exposed} is both ${previous} and ${key}`);
        owner.set(exposed, key);
      }
    }
  });

  it('is reversed by kadabraName', () => {
    for (const name of NAMES) assert.equal(kadabraName(prometheusMetricName(name)), name);
  });
});

describe('Prometheus label names', () => {
  it('maps reserved names', () => {
    for (const reserved of ['le', 'quantile', 'job', 'instance', '__name__', '__x', 'kadabra_overflow']) {
      const mapped = prometheusLabelName(reserved);
      assert.notEqual(mapped, reserved);
      assert.ok(mapped.startsWith('U__'), mapped);
    }
    assert.equal(prometheusLabelName('host'), 'host');
    assert.equal(prometheusLabelName('a:b'), 'U__a_3a_b');
  });

  it(`is injective, valid, never reserved, and reversible over ${NAMES.length} names`, () => {
    const owner = new Map<string, string>();
    for (const name of NAMES) {
      const mapped = prometheusLabelName(name);
      assert.match(mapped, LABEL_NAME, JSON.stringify(name));
      assert.ok(!mapped.startsWith('__') && !['le', 'quantile', 'job', 'instance', 'kadabra_overflow'].includes(mapped), mapped);
      assert.ok(!owner.has(mapped) || owner.get(mapped) === name, `${mapped} stands for ${JSON.stringify(owner.get(mapped))} and ${JSON.stringify(name)}`);
      owner.set(mapped, name);
      assert.equal(kadabraName(mapped), name);
    }
  });
});

describe('Prometheus label values', () => {
  it('maps the empty value, the escape character and unpaired surrogates; keeps the rest', () => {
    assert.equal(prometheusLabelValue(''), '␛');
    assert.equal(prometheusLabelValue('␛'), '␛241B');
    assert.equal(prometheusLabelValue('a\ud800'), 'a␛D800');
    assert.equal(prometheusLabelValue('😀 "q"\n\\'), '😀 "q"\n\\');
  });

  it(`is injective, never empty and always well-formed over ${NAMES.length} values`, () => {
    const owner = new Map<string, string>();
    for (const value of NAMES) {
      const mapped = prometheusLabelValue(value);
      assert.ok(mapped.length > 0);
      assert.ok(Buffer.from(mapped, "utf8").toString("utf8") === mapped, JSON.stringify(value));
      assert.ok(!owner.has(mapped) || owner.get(mapped) === value, `${mapped} stands for two values`);
      owner.set(mapped, value);
    }
  });
});
