import type { AppReport } from '../app/app-config.js';
import { sleep, type ScenarioRun } from '../scenario-run.js';
import type { AppProcess } from '../support/app-process.js';
import { REDIS_REPUBLISH_CAUSE } from './redis-restarts.js';
import type { Scenario } from './scenario.js';

/**
 * The worst one-second event-loop figures of `reports` whose second ended between `from`
 * and `to` (ms since the epoch), leaving out each app's first second (module loading, JIT).
 */
function worstLoop(reports: readonly AppReport[], from: number, to: number): { p99: number; max: number; send: number } {
  const worst = { p99: 0, max: 0, send: 0 };
  for (const report of reports) {
    for (const sample of report.loop.slice(1).filter((s) => s.at > from && s.at <= to)) {
      worst.p99 = Math.max(worst.p99, sample.p99);
      worst.max = Math.max(worst.max, sample.max);
      worst.send = Math.max(worst.send, sample.maxSendMs);
    }
  }
  return worst;
}

/**
 * Checks the app-side promises over a Redis outage from `from` to `to`: the event loop
 * kept its latency (compared with a control process running the same loop without a
 * client, since on a busy machine every process sees some delay), nothing threw
 * (checked for every row), and every overflow of the small-buffer app was counted and logged.
 */
export function checkAppSide(run: ScenarioRun, small: AppProcess | undefined, from: number, to: number): void {
  // Apps that build a backlog send as fast as they can, blocking their own loop on purpose.
  const steady = new Set(run.apps.filter((app) => app.config.ratePerSecond > 0).map((app) => app.config.name));
  const reports = run.reports.filter((report) => steady.has(report.name));
  const before = worstLoop(reports, 0, from);
  // The seconds that overlap the outage.
  const during = worstLoop(reports, from, to + 1000);
  const controlBefore = worstLoop(run.controlReports, 0, from);
  const control = worstLoop(run.controlReports, from, to + 1000);
  const f = (n: number): string => n.toFixed(1);
  run.notes.push(
    `worst 1-s event-loop delay p99/max ms, apps (control process without a client): before the Redis outage ` +
      `${f(before.p99)}/${f(before.max)} (${f(controlBefore.p99)}/${f(controlBefore.max)}), during it ` +
      `${f(during.p99)}/${f(during.max)} (${f(control.p99)}/${f(control.max)}); longest send() ${f(Math.max(before.send, during.send))} ms ` +
      `(control, building the same message: ${f(Math.max(controlBefore.send, control.send))} ms)`,
  );
  const limit = control.p99 + run.profile.loopDelayLimitMs;
  if (during.p99 > limit) {
    run.failures.push(`event-loop delay p99 ${f(during.p99)} ms during the Redis outage (control ${f(control.p99)} ms + ${run.profile.loopDelayLimitMs} ms allowed)`);
  }
  if (!small) return;
  const report = run.reports.find((r) => r.name === small.config.name);
  const dropped = report?.stats.dropped ?? 0;
  const warned = small.overflowWarnings.reduce((sum, w) => sum + w.dropped, 0);
  run.notes.push(
    `${small.config.name} (buffer ${small.config.bufferMaxMessages ?? '?'}) dropped ${dropped}, ` +
      `reported in ${small.overflowWarnings.length} warning(s) totalling ${warned}`,
  );
  if (dropped === 0) run.failures.push(`${small.config.name} did not overflow: the outage was too short to test it`);
  if (warned !== dropped) run.failures.push(`${small.config.name} dropped ${dropped} but its warnings report ${warned}`);
}

/**
 * 8. The application's side of a Redis outage: while redis-server is down the apps keep
 * their request loop's latency (event-loop delay measured in each app), `send()` never
 * throws, what they buffered arrives after recovery, and an app with a small buffer
 * (`CLIENT_BUFFER_MAX_MESSAGES`) counts and logs every message it drops.
 */
export const appDuringOutage: Scenario = {
  key: '8',
  title: '8 apps during Redis outage',
  async run(run) {
    const { profile, env } = run;
    await run.startAgent('a');
    run.startApps();
    const small = run.startApp({ bufferMaxMessages: profile.smallBuffer });
    run.startControl();
    await sleep(profile.calmSeconds + 2);
    const outage = Math.max(profile.redisOutageSeconds, (profile.smallBuffer * 2) / profile.ratePerApp);
    run.step(`stopping redis-server for ${outage} s`);
    const from = Date.now();
    await env.redis.stop();
    await sleep(outage);
    await env.redis.restart();
    const to = Date.now();
    run.faultsOver();
    await run.endCalm();
    checkAppSide(run, small, from, to);
    run.expectRepublishedAtMost(() => run.completeFailed() + run.failedWrites(), REDIS_REPUBLISH_CAUSE);
  },
};
