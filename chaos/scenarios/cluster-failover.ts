import { EVERYSEC_LOSS_WINDOW_MS } from '../reconcile/reconcile-apps.js';
import { sleep } from '../scenario-run.js';
import { clusterOf, startClusterChaosChannel } from '../support/cluster-chaos-channel.js';
import type { Scenario } from './scenario.js';

/** How far the killed master's replica trails it in its last moments (a slow link). */
const REPLICA_LAG_MS = 500;
/** How long the replica trails before the kill: longer than the lag, so a full lag's appends are unreplicated. */
const LAGGING_SECONDS = 1;
/**
 * How late InfluxDB answers meanwhile (below the publisher's timeout): the agents fall
 * behind, so entries the master loses have not all been published before it died (an
 * entry published before is stored whatever Redis loses afterwards).
 */
const SLOW_ANSWER_MS = 1000;

/**
 * c1, c2. A Redis Cluster master is SIGKILLed while apps send and two agents publish: a
 * 3-shard Redis Streams channel on a cluster of 3 masters with a replica each (started
 * for the row, node timeout 1 s). After the calm, the master of shard 0's replica is made
 * to trail it by `REPLICA_LAG_MS` (a proxy on their link holds the replication stream,
 * as a slow network would) while InfluxDB answers `SLOW_ANSWER_MS` late (the agents fall
 * behind), and a second later the master is SIGKILLed: what it acknowledged in its last
 * half second never reaches the replica, which takes over. The old master is started
 * again (it rejoins as the new one's replica).
 *
 * c1, with `wait_replicas` 1: a batch counts as delivered only once `WAIT` confirms a
 * replica has it, so nothing delivered may be lost (run.redisKills stays empty: any
 * missing message fails the row). c2, without: what the killed master acknowledged but
 * had not passed on is lost with it: allowed for messages acknowledged within the 2 s
 * before the kill, counted in the redis-lost (limit) column; any other missing message
 * fails the row. Nothing may be doubled in either.
 *
 * Re-publishes are bounded by the completes that failed while the master was down, plus
 * what the apps send in that 2 s window: an agent's completion the killed master had not
 * passed on is undone by the failover, and the message is read and published again
 * (identical bytes, the same points: never a double).
 */
export function clusterFailover(waitReplicas: 0 | 1): Scenario {
  return {
    key: waitReplicas > 0 ? 'c1' : 'c2',
    title: waitReplicas > 0 ? 'c1 cluster master SIGKILL, wait_replicas 1' : 'c2 cluster master SIGKILL, no wait_replicas',
    channelTypes: ['redis-streams'],
    channel: () => startClusterChaosChannel(waitReplicas),
    async run(run) {
      const { profile } = run;
      const { cluster, shardKeys, shardMaster: master, lagProxy } = clusterOf(run.channel);
      await run.startAgent('a');
      await run.startAgent('b', { AGENT_TYPE: 'batched' });
      run.startApps();
      await sleep(profile.calmSeconds);
      run.step(`the replica of ${shardKeys[0]}'s master trails it by ${REPLICA_LAG_MS} ms`);
      lagProxy.setReplicaLag(REPLICA_LAG_MS);
      run.env.proxy.setAnswerDelay(SLOW_ANSWER_MS);
      await sleep(LAGGING_SECONDS);
      run.step(`SIGKILLing the master of ${shardKeys[0]} (port ${master.port})`);
      const killedAt = Date.now();
      await master.kill();
      lagProxy.setReplicaLag(0);
      run.env.proxy.setAnswerDelay(0);
      // Without WAIT, what it acknowledged in its last moments had not reached its replica.
      if (waitReplicas === 0) run.redisKills.push(killedAt);
      await cluster.waitHealthy(60_000);
      const promotedAfter = (Date.now() - killedAt) / 1000;
      await master.restart();
      run.step(`replica promoted after ${promotedAfter.toFixed(1)} s; the old master restarted as its replica`);
      run.faultsOver();
      run.notes.push(
        `master of shard 0 SIGKILLed, its replica trailing it by ${REPLICA_LAG_MS} ms and InfluxDB answering ${SLOW_ANSWER_MS} ms late; ` +
          `the replica took over after ${promotedAfter.toFixed(1)} s`,
        waitReplicas > 0
          ? 'wait_replicas 1: a batch counts as delivered once a replica has it: no loss allowed'
          : 'no wait_replicas: messages acknowledged within 2 s before the kill may be lost (asynchronous replication): redis-lost (limit)',
      );
      await run.endCalm();
      const undoneAtMost = Math.ceil(profile.apps * profile.ratePerApp * (EVERYSEC_LOSS_WINDOW_MS / 1000));
      run.expectRepublishedAtMost(
        () => run.completeFailed() + undoneAtMost,
        `completes that failed while the master was down, and up to ${undoneAtMost} completions of the 2 s before the kill ` +
          'the failover may undo (the apps\' sending in that time; published again: the same points)',
      );
    },
  };
}
