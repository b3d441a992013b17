import { sleep } from '../scenario-run.js';
import type { Scenario } from './scenario.js';

/**
 * 3. redis-server is restarted while apps send and the agent publishes: first a clean
 * shutdown (SIGTERM; AOF flushed), down for `redisOutageSeconds`; then `redisKills`
 * SIGKILLs, each with an immediate restart, where `appendfsync everysec` may lose the
 * last second of acknowledged writes (measured: the redis-lost column).
 */
export const redisRestarts: Scenario = {
  key: '3',
  title: '3 Redis restart (TERM, KILL)',
  async run(run) {
    const { profile, env } = run;
    await run.startCalm();
    run.step(`stopping redis-server (SIGTERM) for ${profile.redisOutageSeconds} s`);
    await env.redis.stop();
    await sleep(profile.redisOutageSeconds);
    await env.redis.restart();
    await sleep(profile.calmSeconds);
    for (let kill = 0; kill < profile.redisKills; kill += 1) {
      run.step('killing redis-server (SIGKILL) and starting it again');
      await env.redis.kill();
      run.redisKills.push(Date.now());
      await env.redis.restart();
      await sleep(kill + 1 < profile.redisKills ? profile.calmSeconds : 0);
    }
    run.faultsOver();
    run.notes.push(`redis-server SIGKILLed ${profile.redisKills} time(s) under appendfsync everysec`);
    await run.endCalm();
    run.expectRepublishedAtMost(() => run.completeFailed() + run.failedWrites(), REDIS_REPUBLISH_CAUSE);
  },
};

/** Why a Redis restart can cause re-publishes (none of them a double: identical bytes make identical points). */
export const REDIS_REPUBLISH_CAUSE =
  'completes that failed while Redis was down, and client writes that failed but may have reached Redis ' +
  '(acknowledgement lost in the restart), sent again: identical bytes, the same points';
