import { EVERYSEC_LOSS_WINDOW_MS } from '../reconcile/reconcile-apps.js';
import { sleep } from '../scenario-run.js';
import { clusterOf, startClusterChaosChannel } from '../support/cluster-chaos-channel.js';
import type { Scenario } from './scenario.js';

/**
 * c1, c2. A Redis Cluster master is SIGKILLed while apps send and two agents publish: a
 * 3-shard Redis Streams channel on a cluster of 3 masters with a replica each (started
 * for the row, node timeout 1 s), the master of shard 0 killed after the calm; its
 * replica takes over, and the old master is started again (it rejoins as the new one's
 * replica).
 *
 * c1, with `wait_replicas` 1: a batch counts as delivered only once `WAIT` confirms a
 * replica has it, so nothing delivered may be lost (run.redisKills stays empty: any
 * missing message fails the row). c2, without: Redis replicates asynchronously, so what
 * the killed master acknowledged but had not yet passed on is lost with it: allowed for
 * messages acknowledged within the 2 s before the kill, counted in the redis-lost (limit)
 * column; any other missing message fails the row. Nothing may be doubled in either.
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
      const { cluster, shardKeys } = clusterOf(run.channel);
      await run.startAgent('a');
      await run.startAgent('b', { AGENT_TYPE: 'batched' });
      run.startApps();
      await sleep(profile.calmSeconds);
      const master = await cluster.masterOf(shardKeys[0] as string);
      run.step(`SIGKILLing the master of ${shardKeys[0]} (port ${master.port})`);
      const killedAt = Date.now();
      await master.kill();
      // Without WAIT, what it acknowledged in the last moments may not have reached its replica.
      if (waitReplicas === 0) run.redisKills.push(killedAt);
      await cluster.waitHealthy(60_000);
      const promotedAfter = (Date.now() - killedAt) / 1000;
      await master.restart();
      run.step(`replica promoted after ${promotedAfter.toFixed(1)} s; the old master restarted as its replica`);
      run.faultsOver();
      run.notes.push(
        `master of shard 0 SIGKILLed; its replica took over after ${promotedAfter.toFixed(1)} s`,
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
