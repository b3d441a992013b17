import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './support/bench-row.js';
import { BENCHMARKS } from './support/benchmarks.js';
import { SERVERS_ENV, startBenchServers, type BenchServers } from './support/bench-context.js';
import { ROWS_MARKER } from './support/run-bench-main.js';
import { formatMarkdown, formatTable } from './support/table.js';


interface Options {
  readonly smoke: boolean;
  readonly only: readonly string[];
  readonly markdown: boolean;
  readonly json: string | undefined;
}

function parseOptions(args: readonly string[]): Options {
  const value = (name: string): string | undefined =>
    args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = value('only')?.split(',').filter((name) => name !== '') ?? [...BENCHMARKS];
  const unknown = only.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
  return { smoke: args.includes('--smoke'), only, markdown: args.includes('--markdown'), json: value('json') };
}

/** Runs one benchmark in a fresh process, so none inherits another's JIT state or heap. */
function runBenchmark(name: string, servers: BenchServers, smoke: boolean): Promise<BenchRow[]> {
  const script = fileURLToPath(new URL(`./${name}.bench.js`, import.meta.url));
  const child = spawn(process.execPath, [script, '--json', ...(smoke ? ['--smoke'] : [])], {
    env: { ...process.env, [SERVERS_ENV]: JSON.stringify(servers) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.split('\n').find((text) => text.startsWith(ROWS_MARKER));
      if (code !== 0 || line === undefined) reject(new Error(`benchmark ${name} failed (exit ${code})`));
      else resolve(JSON.parse(line.slice(ROWS_MARKER.length)) as BenchRow[]);
    });
  });
}

/** Where the figures come from: for the table's heading and BENCHMARKS.md. */
function describeMachine(servers: BenchServers): string {
  const model = cpus()[0]?.model ?? readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
  const pinning =
    servers.influxCpus === undefined
      ? 'not pinned'
      : `influxd pinned to CPU ${servers.influxCpus}, redis-server and agents to CPU ${servers.agentCpus}`;
  return `${availableParallelism()} CPUs (${model}), node ${process.version}, ${pinning}`;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const started = await startBenchServers();
  const rows: BenchRow[] = [];
  const failures: string[] = [];
  try {
    for (const name of options.only) {
      process.stderr.write(`${name}${options.smoke ? ' (smoke)' : ''}...\n`);
      const begin = performance.now();
      try {
        rows.push(...(await runBenchmark(name, started.servers, options.smoke)));
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
      process.stderr.write(`${name}: ${((performance.now() - begin) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    await started.dispose();
  }
  const heading = `${options.smoke ? 'SMOKE RUN (tiny sizes: the figures mean nothing)\n' : ''}${describeMachine(started.servers)}`;
  process.stdout.write(`\n${heading}\n\n${options.markdown ? formatMarkdown(rows) : formatTable(rows)}\n`);
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify({ machine: heading, rows }, null, 2)}\n`);
  for (const failure of failures) process.stderr.write(`${failure}\n`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
