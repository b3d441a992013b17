import { sleep } from '../scenario-run.js';
import type { Scenario } from './scenario.js';
import { waitForInProgress } from './wait-in-progress.js';

/** How long InfluxDB takes to answer while the kills happen, so that they land mid-write. */
const ANSWER_DELAY_MS = 300;
/** How long after a message entered in-progress the kill comes: its write is made, the answer not yet back. */
const KILL_AFTER_MS = 100;

/**
 * 1. The agent is SIGKILLed three times mid-publish and started again: each kill comes
 * `KILL_AFTER_MS` after a message entered in-progress, while InfluxDB's answers take
 * `ANSWER_DELAY_MS` (below the timeout): the write is made, its answer not yet back.
 * What each kill leaves in progress is the nanny's to re-publish: re-publishes are
 * bounded by those orphans.
 */
export const agentKilled: Scenario = {
  key: '1',
  title: '1 agent SIGKILL x3',
  async run(run) {
    const { profile } = run;
    const agent = await run.startCalm();
    run.env.proxy.setAnswerDelay(ANSWER_DELAY_MS);
    for (let kill = 0; kill < 3; kill += 1) {
      await waitForInProgress(run);
      await sleep(KILL_AFTER_MS / 1000);
      await run.killAgent(agent);
      await sleep(0.3);
      await agent.start();
      if (kill === 2) {
        run.env.proxy.setAnswerDelay(0);
        run.faultsOver();
      }
      await sleep(profile.killIntervalSeconds);
    }
    await run.endCalm();
    run.expectRepublishedAtMost(() => run.leftByKills, 'messages left in progress by the kills, counted at each kill');
  },
};
