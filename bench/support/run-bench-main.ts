import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './bench-row.js';
import { serversFromEnvironment, startBenchServers, type BenchContext } from './bench-context.js';
import { formatTable } from './table.js';

/** A benchmark: what it measures, as table rows. */
export type Benchmark = (context: BenchContext) => Promise<BenchRow[]>;

/** The marker before the JSON rows a benchmark process prints for `run.ts`. */
export const ROWS_MARKER = '@@kadabra-bench-rows ';

/**
 * Runs `benchmark` when `moduleUrl` is the script node was started with:
 * `node dist/bench/x.bench.js [--smoke] [--json]`. It uses the servers `run.ts` handed
 * over, or starts its own. `--json` prints the rows as one marked JSON line (for
 * `run.ts`), otherwise as a table.
 */
export function runIfMain(moduleUrl: string, benchmark: Benchmark): void {
  const script = process.argv[1];
  if (script === undefined || realpathSync(script) !== realpathSync(fileURLToPath(moduleUrl))) return;
  const args = process.argv.slice(2);
  const smoke = args.includes('--smoke');
  const json = args.includes('--json');
  void (async () => {
    const given = serversFromEnvironment();
    const started = given === undefined ? await startBenchServers() : undefined;
    try {
      const servers = given ?? started?.servers;
      if (servers === undefined) throw new Error('no servers');
      const rows = await benchmark({ smoke, servers, log: (message) => process.stderr.write(`  ${message}\n`) });
      process.stdout.write(json ? `${ROWS_MARKER}${JSON.stringify(rows)}\n` : `${formatTable(rows)}\n`);
    } finally {
      await started?.dispose();
    }
  })().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
