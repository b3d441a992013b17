import { sleep } from '../scenario-run.js';
import type { Scenario } from './scenario.js';
import { postgresOf } from './postgres-of.js';

/**
 * p2. The agent publishes into PostgreSQL, which is down (the postmaster stopped) for
 * `postgresOutageSeconds`, then back. The receivers hold what they took and retry; the
 * queue waits in Redis; nothing is dead-lettered.
 */
export const postgresOutage: Scenario = {
  key: 'p2',
  title: 'p2 PostgreSQL down',
  store: 'postgres',
  async run(run) {
    const { profile } = run;
    const postgres = postgresOf(run);
    await run.startCalm();
    run.step(`stopping PostgreSQL for ${profile.postgresOutageSeconds} s`);
    await postgres.server.stop();
    await sleep(profile.postgresOutageSeconds);
    await postgres.server.start();
    run.step('PostgreSQL is back');
    run.faultsOver();
    // What the receivers held through the outage is in progress past the nanny threshold
    // (the watch counts it): the nanny may race their retry.
    run.expectRepublishedAtMost(() => 0, 'nothing else');
    await run.endCalm();
  },
};
