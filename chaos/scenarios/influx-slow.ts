import { sleep } from '../scenario-run.js';
import type { Scenario } from './scenario.js';

/**
 * 4. InfluxDB answers slowly, later than the publisher's timeout, for `slowSeconds`
 * (a proxy holds its answers; the writes themselves land). Every timed-out write is
 * retried, so the same points reach InfluxDB again: harmless, they are idempotent.
 */
export const influxSlow: Scenario = {
  key: '4',
  title: '4 InfluxDB slow > timeout',
  async run(run) {
    const { profile, env } = run;
    await run.startCalm();
    const delayMs = (profile.publisherTimeoutSeconds + 2) * 1000;
    run.step(`InfluxDB answers ${delayMs} ms late for ${profile.slowSeconds} s (timeout ${profile.publisherTimeoutSeconds} s)`);
    const lostBefore = env.proxy.answersLost;
    const pointsLostBefore = env.proxy.pointsInLostAnswers;
    env.proxy.setAnswerDelay(delayMs);
    await sleep(profile.slowSeconds);
    env.proxy.setAnswerDelay(0);
    run.faultsOver();
    // The last answers held come out now.
    await sleep(delayMs / 1000);
    const lostAnswers = env.proxy.answersLost - lostBefore;
    const lostPoints = env.proxy.pointsInLostAnswers - pointsLostBefore;
    run.notes.push(
      `failed attempts are timed-out writes, retried; ${lostAnswers} of those requests (${lostPoints} points) ` +
        'had been written by InfluxDB, their answer held past the timeout',
    );
    run.expectRepublishedAtMost(
      () => lostPoints,
      'points of timed-out writes InfluxDB made (messages held through the slowness are counted as past the nanny threshold)',
    );
    await run.endCalm();
  },
};
