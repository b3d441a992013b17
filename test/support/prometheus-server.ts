import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchOnFreePorts, signalAndWait, spawnServer } from './process-rig.js';

/** A real Prometheus started for a test on a free loopback port. */
export interface PrometheusHandle {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The value of an instant PromQL query that yields one number (e.g. `sum(x_total)`), or undefined when it yields nothing. */
  queryValue(promql: string): Promise<number | undefined>;
  /** Every series an instant PromQL query yields, with its labels and value. */
  queryVector(promql: string): Promise<PromSeries[]>;
  /** The `/api/v1/targets` health of every active target (`up`, `down`, `unknown`). */
  targetHealth(): Promise<string[]>;
  /** Stops it and removes its data directory. */
  dispose(): Promise<void>;
}

/** One series of an instant query's answer. */
export interface PromSeries {
  readonly metric: Readonly<Record<string, string>>;
  /** The value as Prometheus writes it (`"12.5"`, `"+Inf"`). */
  readonly value: string;
}

/** Options of `startPrometheus`. */
export interface PrometheusOptions {
  /** `host:port` of every agent `/metrics` to scrape, every second; none: nothing is scraped. */
  readonly targets?: readonly string[];
  /** Accept remote write on `/api/v1/write` (`--web.enable-remote-write-receiver`). */
  readonly remoteWriteReceiver?: boolean;
  /** Bearer token the scrapes send. */
  readonly token?: string;
}

async function ready(url: string): Promise<boolean> {
  try {
    const answer = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
    await answer.arrayBuffer();
    return answer.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts Debian's `prometheus` with a temporary data directory and a configuration that
 * scrapes `targets` every second (Prometheus 2.42 asks for OpenMetrics first), on
 * `127.0.0.1:<free port>`; with `remoteWriteReceiver`, it also takes remote write on
 * `/api/v1/write`.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'kadabra-prometheus-'));
  const targets = options.targets ?? [];
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 900ms',
    ...(targets.length === 0
      ? []
      : [
          'scrape_configs:',
          '  - job_name: kadabra',
          ...(options.token === undefined ? [] : ['    authorization:', `      credentials: ${JSON.stringify(options.token)}`]),
          '    static_configs:',
          `      - targets: ${JSON.stringify(targets)}`,
        ]),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  let port = 0;
  let child: ChildProcess | undefined;
  await launchOnFreePorts(1, async ([chosen]) => {
    port = chosen ?? 0;
    child = await spawnServer({
      command: 'prometheus',
      args: [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=error',
        ...(options.remoteWriteReceiver === true ? ['--web.enable-remote-write-receiver'] : []),
      ],
      ready: () => ready(`http://127.0.0.1:${port}`),
      what: `prometheus on port ${port}`,
      timeoutMs: 30_000,
    });
  });
  const url = `http://127.0.0.1:${port}`;

  const query = async (promql: string): Promise<unknown> => {
    const answer = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
    const body = (await answer.json()) as { status: string; data?: unknown; error?: string };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error ?? answer.status}`);
    return body.data;
  };

  return {
    port,
    url,
    queryValue: async (promql) => {
      const data = (await query(promql)) as { result: { value: [number, string] }[] };
      if (data.result.length === 0) return undefined;
      if (data.result.length > 1) throw new Error(`query ${promql} yielded ${data.result.length} series, not one`);
      return Number((data.result[0] as { value: [number, string] }).value[1]);
    },
    queryVector: async (promql) => {
      const data = (await query(promql)) as { result: { metric: Record<string, string>; value: [number, string] }[] };
      return data.result.map((one) => ({ metric: one.metric, value: one.value[1] }));
    },
    targetHealth: async () => {
      const answer = await fetch(`${url}/api/v1/targets`);
      const body = (await answer.json()) as { data: { activeTargets: { health: string }[] } };
      return body.data.activeTargets.map((target) => target.health);
    },
    dispose: async () => {
      await signalAndWait(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
