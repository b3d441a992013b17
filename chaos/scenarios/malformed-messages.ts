import { sleep } from '../scenario-run.js';
import type { Scenario } from './scenario.js';

/** Share of the messages on the queue that are malformed. */
const BAD_SHARE = 0.05;

/**
 * 5. 5% of the messages on the queue are malformed (not JSON, invalid UTF-8, missing
 * keys, wrong types, NaN, 5 MB of garbage, a 5 MB tag value InfluxDB refuses), pushed
 * by a broken producer among the apps' good ones. Every good message must be stored
 * and every bad one dead-lettered with its reason; none may be re-published.
 */
export const malformedMessages: Scenario = {
  key: '5',
  title: '5 5% malformed',
  async run(run) {
    const { profile } = run;
    await run.startAgent('a');
    run.startApps();
    const tick = 0.5;
    const goodPerTick = profile.apps * profile.ratePerApp * tick;
    // bad / (good + bad) = 5%
    const badPerTick = (goodPerTick * BAD_SHARE) / (1 - BAD_SHARE);
    const ticks = Math.ceil((profile.calmSeconds * 3) / tick);
    let owed = 0;
    for (let i = 0; i < ticks; i += 1) {
      await sleep(tick);
      owed += badPerTick;
      const now = Math.floor(owed);
      owed -= now;
      // The two 5 MB kinds come once each, early.
      const huge = i === 1;
      if (now > 0 || huge) await run.injectBad(huge ? Math.max(now, 2) : now, huge);
    }
    await run.endCalm();
    // Top up to exactly 5% of what the apps really sent (they start late and run on).
    const good = run.reports.reduce((sum, report) => sum + report.sent, 0);
    const missing = Math.round((good * BAD_SHARE) / (1 - BAD_SHARE)) - run.bad.length;
    if (missing > 0) await run.injectBad(missing);
    run.faultsOver();
    run.notes.push(`${run.bad.length} bad messages among ${good + run.bad.length} on the queue`);
    run.expectRepublishedAtMost(() => 0, 'nothing (no fault but the bad messages)');
  },
};
