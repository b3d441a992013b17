// Which chaos scenarios run on which channel type: the Redis Cluster rows on the streams channel only, every other on each.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCENARIOS, scenariosOn } from '../../../chaos/suite.js';

test('the cluster failover rows run on redis-streams only; every other scenario on both channel types', () => {
  const keys = (type: 'redis' | 'redis-streams'): string[] => scenariosOn(type).map((scenario) => scenario.key);
  assert.deepEqual(keys('redis-streams'), SCENARIOS.map((scenario) => scenario.key));
  assert.deepEqual(keys('redis'), SCENARIOS.map((scenario) => scenario.key).filter((key) => key !== 'c1' && key !== 'c2'));
  assert.deepEqual(scenariosOn('redis', SCENARIOS.filter((scenario) => scenario.key === 'c1')), []);
});
