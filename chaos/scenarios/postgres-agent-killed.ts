import pg from 'pg';
import { sleep, type ScenarioRun } from '../scenario-run.js';
import type { PostgresEnvironment } from '../support/environment.js';
import { postgresOf } from './postgres-of.js';
import type { Scenario } from './scenario.js';

/**
 * How long the proxy holds each answer of PostgreSQL while the kills happen: every step of
 * the agent's transaction (BEGIN, COPY, INSERT ... SELECT, COMMIT) then waits this long for
 * its answer, well within the publisher's timeout, so that a kill lands inside one.
 */
const ANSWER_DELAY_MS = 150;
/** How long to look for a COPY in flight before killing anyway. */
const COPY_WAIT_MS = 10_000;

/**
 * Resolves once the agent's session is inside a transaction whose latest statement is its
 * COPY into the staging table (the COPY's answer not yet back at the agent, the rows not
 * yet moved, nothing committed). Returns whether it saw one.
 */
async function waitForCopy(run: ScenarioRun, postgres: PostgresEnvironment): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgres.server.url(run.database) });
  await client.connect();
  try {
    const deadline = Date.now() + COPY_WAIT_MS;
    while (Date.now() < deadline) {
      const { rows } = await client.query(
        `SELECT 1 FROM pg_stat_activity
          WHERE datname = $1 AND application_name = 'kadabra-agent' AND xact_start IS NOT NULL AND query LIKE 'COPY %'`,
        [run.database],
      );
      if (rows.length > 0) return true;
      await sleep(0.002);
    }
    return false;
  } finally {
    await client.end();
  }
}

/**
 * p1. The agent publishes into PostgreSQL and is SIGKILLed three times in the middle of a
 * batch's transaction, right after its COPY, and started again. The transaction dies
 * with the connection (nothing committed) or, when the kill comes after its COMMIT left,
 * commits with no one to hear it: either way the messages stay in progress, the nanny
 * publishes them again, and the unique key keeps each row once.
 */
export const postgresAgentKilled: Scenario = {
  key: 'p1',
  title: 'p1 agent SIGKILL x3 mid-COPY (PostgreSQL)',
  store: 'postgres',
  async run(run) {
    const { profile } = run;
    const postgres = postgresOf(run);
    const agent = await run.startCalm();
    postgres.proxy.setAnswerDelay(ANSWER_DELAY_MS);
    let midCopy = 0;
    for (let kill = 0; kill < 3; kill += 1) {
      if (await waitForCopy(run, postgres)) midCopy += 1;
      else run.step('no COPY in flight; killing anyway');
      await run.killAgent(agent);
      await sleep(0.3);
      await agent.start();
      if (kill === 2) {
        postgres.proxy.setAnswerDelay(0);
        run.faultsOver();
      }
      await sleep(profile.killIntervalSeconds);
    }
    run.notes.push(`kills inside a COPY's transaction: ${midCopy} of 3`);
    if (midCopy === 0) run.failures.push('no kill landed inside a COPY: the row did not test what it names');
    await run.endCalm();
    run.expectRepublishedAtMost(() => run.leftByKills, 'messages left in progress by the kills, counted at each kill');
  },
};
