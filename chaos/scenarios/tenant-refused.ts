import { createChannel } from '../../src/channels/create-channel.js';
import { createLogger } from '../../src/logging/logger.js';
import { countAndSumByApp } from '../reconcile/influx-values.js';
import { sleep } from '../scenario-run.js';
import type { Scenario } from './scenario.js';

/** Text of the refusal the requeue selects. */
const SERIES_LIMIT = 'max-series-per-database';

/**
 * 10. The server refuses one tenant: influxd runs with `max-series-per-database` equal to
 * the series the steady apps write (one each), and a new app (a tenant whose series would
 * be new) sends for `tenantRefusedSeconds`. Its messages are dead-lettered with InfluxDB's
 * reason (or held, then dead-lettered on the nanny's retry) while the others are written
 * without pause: the receivers' gate never closes. Then the limit is raised (an influxd
 * restart) and `requeueDeadLetters(..., { reason })` puts exactly those back. Lost 0;
 * dead-lettered 0 at the end.
 */
export const tenantRefused: Scenario = {
  key: '10',
  title: '10 server refuses one tenant',
  async run(run) {
    const { profile, env } = run;
    run.step(`influxd restarted with max-series-per-database ${profile.apps}`);
    await env.influx.restartWith({ maxSeriesPerDatabase: profile.apps });
    const channel = createChannel(run.channel.type, { host: '127.0.0.1', ...run.channel.args }, createLogger({ level: 'silent' }));
    let raised = false;
    try {
      const agent = await run.startCalm();
      // The steady apps' series must exist before the tenant's (a slow start would let the tenant's in first).
      while ((await countAndSumByApp(env.influx, run.database)).size < profile.apps) await sleep(0.1);
      const closedBefore = agent.counts.gateClosed;
      run.step(`a new tenant sends for ${profile.tenantRefusedSeconds} s`);
      const tenant = run.startApp();
      await sleep(profile.tenantRefusedSeconds);
      const report = await tenant.stop();
      run.reports.push(report);
      const deadline = Date.now() + profile.drainDeadlineSeconds * 1000;
      while ((await env.inspector.llen(run.channel.deadKey)) < report.stats.delivered && Date.now() < deadline) await sleep(0.1);
      const dead = await channel.deadLetters(report.stats.delivered + 10);
      const closed = agent.counts.gateClosed - closedBefore;
      if (closed > 0) run.failures.push(`the receivers stopped ${closed} time(s) while one tenant was refused`);
      if (dead.length !== report.stats.delivered || dead.some((letter) => !letter.reason.includes(SERIES_LIMIT))) {
        run.failures.push(`${dead.length} dead letter(s) for the ${report.stats.delivered} refused tenant messages, or another reason`);
      }
      run.notes.push(`tenant messages dead-lettered with "${dead[0]?.reason.slice(0, 60) ?? ''}...": ${dead.length}; gate closed while refused: ${closed}`);

      run.step('limit raised (influxd restarted); requeue by reason');
      await env.influx.restartWith({ maxSeriesPerDatabase: undefined });
      raised = true;
      const requeued = await channel.requeueDeadLetters(Number.POSITIVE_INFINITY, { reason: SERIES_LIMIT });
      run.notes.push(`requeued by reason: ${requeued}`);
      run.faultsOver();
      // The restart is a short outage: what the receivers held is the nanny's to retry.
      run.expectRepublishedAtMost(() => 0, 'nothing else');
      await run.endCalm();
    } finally {
      await channel.close();
      if (!raised) await env.influx.restartWith({ maxSeriesPerDatabase: undefined });
    }
  },
};
