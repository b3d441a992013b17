import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nearestName } from '../../../src/config/nearest-name.js';

describe('nearestName', () => {
  const keys = ['AGENT_NANNY_THREADS', 'AGENT_RECEIVER_THREADS', 'AGENT_TYPE', 'port', 'host', 'db'];

  it('finds typos, transpositions, wrong case and missing or extra prefixes', () => {
    assert.equal(nearestName('AGENT_NANY_THREADS', keys), 'AGENT_NANNY_THREADS');
    assert.equal(nearestName('prot', keys), 'port');
    assert.equal(nearestName('agent_type', keys), 'AGENT_TYPE');
    assert.equal(nearestName('RECEIVER_THREADS', keys), 'AGENT_RECEIVER_THREADS');
    assert.equal(nearestName('KADABRA_AGENT_TYPE', keys), 'AGENT_TYPE');
    assert.equal(nearestName('warning', ['warn', 'error']), 'warn');
    assert.equal(nearestName('influx', ['debug', 'influxdb']), 'influxdb');
  });

  it('suggests nothing for unrelated or ambiguous names', () => {
    assert.equal(nearestName('COLOUR', keys), undefined);
    assert.equal(nearestName('THREADS', keys), undefined);
    assert.equal(nearestName('x', keys), undefined);
  });
});
