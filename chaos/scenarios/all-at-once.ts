import { sleep } from '../scenario-run.js';
import { checkAppSide } from './app-during-outage.js';
import { REDIS_REPUBLISH_CAUSE } from './redis-restarts.js';
import type { Scenario } from './scenario.js';
import { waitForInProgress } from './wait-in-progress.js';

/**
 * Every fault in one run: a backlog (with bad messages in it) built while no agent runs,
 * then two agents (default and batched) on one queue while the apps (one with a small
 * buffer) send and bad messages keep coming, through three agent SIGKILLs, an InfluxDB
 * outage, slow InfluxDB answers, a clean Redis restart and a Redis SIGKILL.
 */
export const allAtOnce: Scenario = {
  key: 'all',
  title: 'all at once',
  async run(run) {
    const { profile, env } = run;
    const backlog = Math.round(profile.backlog / 5);
    run.step(`building a backlog of ${backlog} messages`);
    const backlogApps = run.startBacklogApps(backlog);
    await run.injectBad(Math.ceil(backlog / 19), true);
    await run.appsFinished(backlogApps);

    const a = await run.startAgent('a');
    const b = await run.startAgent('b', { AGENT_TYPE: 'batched' });
    run.startApps();
    const small = run.startApp({ bufferMaxMessages: profile.smallBuffer });
    run.startControl();
    await sleep(profile.calmSeconds);
    const badBurst = Math.ceil((profile.apps * profile.ratePerApp * profile.calmSeconds) / 19);

    run.step('SIGKILL agent a');
    await waitForInProgress(run);
    await run.killAgent(a);
    await sleep(0.3);
    await a.start();
    await run.injectBad(badBurst);

    run.step(`InfluxDB down for ${profile.influxOutageSeconds} s; agent b SIGKILLed meanwhile`);
    await env.influx.stop();
    await sleep(profile.influxOutageSeconds / 2);
    await run.killAgent(b);
    await sleep(0.3);
    await b.start();
    await sleep(profile.influxOutageSeconds / 2);
    await env.influx.start();
    await sleep(profile.calmSeconds);

    run.step(`InfluxDB slow for ${profile.slowSeconds} s; agent a SIGKILLed meanwhile`);
    env.proxy.setAnswerDelay((profile.publisherTimeoutSeconds + 2) * 1000);
    await sleep(profile.slowSeconds / 2);
    await waitForInProgress(run);
    await run.killAgent(a);
    await sleep(0.3);
    await a.start();
    await sleep(profile.slowSeconds / 2);
    env.proxy.setAnswerDelay(0);
    await run.injectBad(badBurst);
    await sleep(profile.calmSeconds);

    const outage = Math.max(profile.redisOutageSeconds, (profile.smallBuffer * 2) / profile.ratePerApp);
    run.step(`redis-server stopped (SIGTERM) for ${outage} s`);
    const from = Date.now();
    await env.redis.stop();
    await sleep(outage);
    await env.redis.restart();
    const to = Date.now();
    await sleep(profile.calmSeconds);

    run.step('redis-server SIGKILLed and started again');
    await env.redis.kill();
    run.redisKills.push(Date.now());
    await env.redis.restart();
    run.faultsOver();
    await run.endCalm();
    checkAppSide(run, small, from, to);
    run.expectRepublishedAtMost(
      () => run.leftByKills + run.lostAnswerPoints() + run.completeFailed() + run.failedWrites(),
      'messages left in progress by the SIGKILLs, written by InfluxDB after their publish timed out ' +
        `(held through the InfluxDB outage and slowness: counted as past the nanny threshold); ${REDIS_REPUBLISH_CAUSE}`,
    );
  },
};
