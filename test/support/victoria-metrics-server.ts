import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchOnFreePorts, signalAndWait, spawnServer } from './process-rig.js';

/** One series of `/api/v1/export` (JSON lines). */
export interface ExportedSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly number[];
  readonly timestamps: readonly number[];
}

/**
 * A real VictoriaMetrics started for a test on a free loopback port. It accepts the
 * InfluxDB line protocol on `/write` and `/api/v2/write`.
 */
export interface VictoriaMetricsHandle {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every series matching the PromQL selector `match`, after making recent writes searchable. */
  exportSeries(match: string): Promise<ExportedSeries[]>;
  /** Stops it and removes its data directory. */
  dispose(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const answer = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    await answer.arrayBuffer();
    return answer.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts victoria-metrics with its own data directory, `-retentionPeriod 100y` (test
 * timestamps are years old) and `-httpListenAddr 127.0.0.1:<free port>`.
 */
export async function startVictoriaMetrics(): Promise<VictoriaMetricsHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'kadabra-vm-'));
  let port = 0;
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const args = [
      `-storageDataPath=${join(dir, 'data')}`,
      '-retentionPeriod=100y',
      `-httpListenAddr=127.0.0.1:${port}`,
      '-loggerLevel=ERROR',
      '-search.disableCache',
    ];
    child = await spawnServer({
      command: 'victoria-metrics',
      args,
      ready: () => healthy(`http://127.0.0.1:${port}`),
      what: `victoria-metrics on port ${port}`,
    });
  };

  await launchOnFreePorts(1, async ([chosen]) => {
    port = chosen ?? 0;
    await launch();
  });
  const url = `http://127.0.0.1:${port}`;

  return {
    port,
    url,
    exportSeries: async (match) => {
      // Ingested rows become searchable only after a flush.
      await (await fetch(`${url}/internal/force_flush`)).arrayBuffer();
      const answer = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': match, start: '0' })}`);
      const text = await answer.text();
      if (answer.status !== 200) throw new Error(`export ${match} answered ${answer.status}: ${text}`);
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as ExportedSeries);
    },
    dispose: async () => {
      await signalAndWait(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
