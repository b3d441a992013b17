import { sleep } from '../scenario-run.js';
import type { Scenario } from './scenario.js';

/** What influxd serving https only answers a request made in plain http. */
export const HTTPS_ONLY_ANSWER = 'Client sent an HTTP request to an HTTPS server.\n';

/**
 * 9. The setup is wrong for `setupWrongSeconds` while apps send: every write is refused
 * with `400 Client sent an HTTP request to an HTTPS server.` (the proxy answers as an
 * https-only influxd answers an agent configured with http), then the setup is fixed.
 * A refusal of everything is not evidence against any message: the agent holds them
 * (the gate closes, an error line quotes the server), dead-letters none, and resumes by
 * itself. Lost 0, dead-lettered 0.
 */
export const setupWrong: Scenario = {
  key: '9',
  title: '9 setup wrong for a while',
  async run(run) {
    const { profile, env } = run;
    await run.startCalm();
    run.step(`every write refused as http to an https server, for ${profile.setupWrongSeconds} s`);
    env.proxy.refuseWrites(HTTPS_ONLY_ANSWER);
    await sleep(profile.setupWrongSeconds);
    env.proxy.refuseWrites(undefined);
    run.step('setup fixed');
    run.faultsOver();
    const quoted = run.agents.some((agent) => agent.errors.some((line) => String(line.msg).includes('HTTP request to an HTTPS server')));
    if (!quoted) run.failures.push("no error line quoted InfluxDB's answer while every write was refused");
    run.notes.push(`receivers' gate closed ${run.agents.reduce((n, agent) => n + agent.counts.gateClosed, 0)} time(s)`);
    // What the receivers held through it is in progress past the nanny threshold (the watch counts it).
    run.expectRepublishedAtMost(() => 0, 'nothing else');
    await run.endCalm();
  },
};
