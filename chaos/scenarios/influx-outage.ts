import { sleep } from '../scenario-run.js';
import type { Scenario } from './scenario.js';

/**
 * 2. InfluxDB is down (influxd stopped) for `influxOutageSeconds`, then back. The
 * receivers hold what they took and stop taking more; the queue waits in Redis.
 */
export const influxOutage: Scenario = {
  key: '2',
  title: '2 InfluxDB down',
  async run(run) {
    const { profile, env } = run;
    await run.startCalm();
    run.step(`stopping influxd for ${profile.influxOutageSeconds} s`);
    await env.influx.stop();
    await sleep(profile.influxOutageSeconds);
    await env.influx.start();
    run.step('influxd is back');
    run.faultsOver();
    // What the receivers held through the outage is in progress past the nanny threshold
    // (the watch counts it): the nanny may race their retry.
    run.expectRepublishedAtMost(() => 0, 'nothing else');
    await run.endCalm();
  },
};
