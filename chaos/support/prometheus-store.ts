import { freePort } from '../../test/support/process-rig.js';
import { startPrometheus, type PrometheusHandle } from '../../test/support/prometheus-server.js';
import { MESSAGES_COUNTER } from '../app/app-config.js';
import { MEASUREMENT } from '../reconcile/influx-values.js';
import type { AppTotals, TotalsStore } from './chaos-store.js';

/** The Prometheus counter of the apps' `chaos` counter (each message adds its sequence number). */
const SEQ_SUM = `${MEASUREMENT}_total`;
/** The Prometheus counter of the apps' `chaos_messages` counter (each message adds 1). */
const MESSAGES = `${MESSAGES_COUNTER}_total`;
/** How long after the drain a scrape showing the final totals may take to appear. */
const SETTLE_TIMEOUT_MS = 30_000;
/** Back far enough for a row's whole run: a series' last sample, even once the agent has stopped (its series then stale). */
const WHOLE_RUN = '1h';

/** One row's Prometheus and the port its agents serve `/metrics` on. */
interface PrometheusRow {
  readonly agentPort: number;
  readonly prometheus: PrometheusHandle;
}

/**
 * The agents publish with the Prometheus publisher and serve the totals on their
 * `/metrics` (`AGENT_HTTP_PORT`, one port per row, the same after every restart); each
 * row starts its own Debian `prometheus` (test/support/prometheus-server.ts) scraping
 * that port every second. The reconciliation reads, per app, `sum by (app)` of the
 * messages counter and of the sequence-number counter through `/api/v1/query`.
 */
export function prometheusStore(): TotalsStore {
  const rows = new Map<string, PrometheusRow>();
  const rowOf = (database: string): PrometheusRow => {
    const row = rows.get(database);
    if (row === undefined) throw new Error(`no Prometheus for ${database}: prepare() must run before the row's agents start`);
    return row;
  };
  /** `sum by (app)` of the last sample of `counter`'s series during the run. */
  const byApp = async (database: string, counter: string): Promise<Map<string, number>> => {
    const found = await rowOf(database).prometheus.queryVector(`sum by (app) (last_over_time(${counter}[${WHOLE_RUN}]))`);
    return new Map(found.map((series) => [series.metric['app'] ?? '', Number(series.value)]));
  };
  return {
    name: 'Prometheus',
    reconciles: 'totals',
    appOverrides: { countMessages: true },
    prepare: async (database) => {
      const agentPort = await freePort();
      const prometheus = await startPrometheus({ targets: [`127.0.0.1:${agentPort}`] });
      rows.set(database, { agentPort, prometheus });
    },
    publisherConfig: (database) => ({ AGENT_PUBLISHER_TYPE: 'prometheus', AGENT_HTTP_PORT: rowOf(database).agentPort }),
    settle: async (database, since) => {
      // A scrape's samples carry its start time: the agent read the totals after it.
      const { prometheus } = rowOf(database);
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      let scrapedAt: number | undefined;
      while (Date.now() < deadline) {
        scrapedAt = await prometheus.queryValue(`min(timestamp(${MESSAGES}))`);
        if (scrapedAt !== undefined && scrapedAt * 1000 >= since) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(
        `Prometheus has no scrape of ${MESSAGES} from after the drain within ${SETTLE_TIMEOUT_MS / 1000} s ` +
          `(latest: ${scrapedAt === undefined ? 'none' : new Date(scrapedAt * 1000).toISOString()})`,
      );
    },
    countAndSumByApp: async (database) => {
      const [counts, sums] = await Promise.all([byApp(database, MESSAGES), byApp(database, SEQ_SUM)]);
      const totals = new Map<string, AppTotals>();
      for (const app of new Set([...counts.keys(), ...sums.keys()])) totals.set(app, { count: counts.get(app) ?? 0, sum: sums.get(app) ?? 0 });
      return totals;
    },
    counterResets: async (database) =>
      (await rowOf(database).prometheus.queryValue(`sum(resets(${MESSAGES}[${WHOLE_RUN}])) + sum(resets(${SEQ_SUM}[${WHOLE_RUN}]))`)) ?? 0,
    release: async (database) => {
      const row = rows.get(database);
      rows.delete(database);
      await row?.prometheus.dispose();
    },
  };
}
