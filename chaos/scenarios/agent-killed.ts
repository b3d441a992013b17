import type { ChaosAgent } from '../support/chaos-agent.js';
import { sleep, type ScenarioRun } from '../scenario-run.js';
import type { Scenario } from './scenario.js';
import { waitForInProgress } from './wait-in-progress.js';

/** How long InfluxDB takes to answer while the kills happen, so that they land mid-write. */
const ANSWER_DELAY_MS = 300;
/** How long after a message entered in-progress the kill comes: its write is made, the answer not yet back. */
const KILL_AFTER_MS = 100;

/** Why an agent SIGKILL row may re-publish: what the kills left in progress. */
export const ORPHANS_REPUBLISH_CAUSE = 'messages left in progress by the kills, counted at each kill';

/**
 * SIGKILLs `agent` three times, each `killAfterMs` after a message newly entered
 * in-progress, and starts it again `killIntervalSeconds` apart; after the third restart
 * `healed` runs and the faults are over. Returns how many kills left messages in progress.
 */
export async function killAgentThrice(run: ScenarioRun, agent: ChaosAgent, killAfterMs: number, healed: () => void = () => undefined): Promise<number> {
  let leavingOrphans = 0;
  for (let kill = 0; kill < 3; kill += 1) {
    await waitForInProgress(run);
    await sleep(killAfterMs / 1000);
    const leftBefore = run.leftByKills;
    await run.killAgent(agent);
    if (run.leftByKills > leftBefore) leavingOrphans += 1;
    await sleep(0.3);
    await agent.start();
    if (kill === 2) {
      healed();
      run.faultsOver();
    }
    await sleep(run.profile.killIntervalSeconds);
  }
  return leavingOrphans;
}

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
    const agent = await run.startCalm();
    run.env.proxy.setAnswerDelay(ANSWER_DELAY_MS);
    await killAgentThrice(run, agent, KILL_AFTER_MS, () => run.env.proxy.setAnswerDelay(0));
    await run.endCalm();
    run.expectRepublishedAtMost(() => run.leftByKills, ORPHANS_REPUBLISH_CAUSE);
  },
};
