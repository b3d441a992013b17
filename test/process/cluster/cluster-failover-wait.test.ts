// A master SIGKILLed while apps send on a 3-shard Redis Streams channel over a Redis
// Cluster, with wait_replicas 1: a batch counts as delivered only once WAIT confirms the
// replica has it (or it is sent again, appended once only), so nothing the clients
// counted as delivered is lost, and nothing is doubled.
import assert from 'node:assert/strict';
import { failoverTest } from './cluster-failover-rig.js';

failoverTest('failover with wait_replicas 1: nothing delivered is lost, nothing doubled', 1, (figures) => {
  assert.ok(figures.delivered > 0);
  assert.equal(figures.lost, 0, 'every message counted as delivered is stored');
  assert.equal(figures.doubled, 0, 'nothing stored twice');
  assert.equal(figures.notDelivered, 0, 'the clients delivered everything once the replica took over');
  assert.ok(figures.sumMatches, 'the stored seq values sum to what was sent');
});
