// Keeps the benchmarks from rotting: every one runs end to end in its tiny mode against
// real servers. Figures are not checked (speed is asserted by no test), only that each
// benchmark produced its rows with real numbers. Each benchmark runs as its own
// `bench/run.js --smoke --only=<name>` with a time limit, so one that hangs is named; the
// benchmarks are split over two test files, each within the runner's time per file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { BenchRow } from '../../bench/support/bench-row.js';
import { BENCHMARKS } from '../../bench/support/benchmarks.js';

const RUN = fileURLToPath(new URL('../../bench/run.js', import.meta.url));
/** Longest one benchmark may take in smoke mode (the slowest takes about 13 s on a quiet machine). */
const PER_BENCHMARK_MS = 50_000;

/** The benchmarks of each smoke test file; together, every benchmark once. */
export const BENCH_SMOKE_PARTS: readonly (readonly string[])[] = [
  ['record', 'encode-send', 'runtime-metrics', 'agent-throughput', 'agent-status-page', 'postgres-throughput'],
  ['prometheus-scrape', 'agent-memory', 'latency', 'http-overhead', 'cluster-throughput'],
];

/** Runs one benchmark in smoke mode; resolves with its rows and printed table, or fails naming it. */
async function smokeRun(name: string): Promise<{ rows: BenchRow[]; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kadabra-bench-smoke-'));
  const jsonPath = join(dir, 'rows.json');
  try {
    const child = spawn(process.execPath, [RUN, '--smoke', `--only=${name}`, `--json=${jsonPath}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), PER_BENCHMARK_MS);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    clearTimeout(timer);
    assert.notEqual(signal, 'SIGKILL', `${name} did not finish within ${PER_BENCHMARK_MS / 1000} s in smoke mode; it printed:\n${(stdout + stderr).slice(-4000)}`);
    assert.equal(code, 0, `${name} failed:\n${stderr.slice(-4000)}`);
    const { rows } = JSON.parse(readFileSync(jsonPath, 'utf8')) as { rows: BenchRow[] };
    return { rows, stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The smoke test of part `part` (1-based) of `BENCH_SMOKE_PARTS`. */
export function benchSmoke(part: number): void {
  const names = BENCH_SMOKE_PARTS[part - 1] ?? [];
  describe(`npm run bench:smoke, part ${part} (${names.join(', ')})`, () => {
    if (part === 1) {
      it('every benchmark is in one part', () => {
        assert.deepEqual(BENCH_SMOKE_PARTS.flat().sort(), [...BENCHMARKS].sort());
      });
    }
    for (const name of names) {
      it(`${name} runs in smoke mode and prints its rows with real numbers`, { timeout: PER_BENCHMARK_MS + 10_000 }, async () => {
        const { rows, stdout } = await smokeRun(name);
        assert.match(stdout, /figure\s+\| ours\s+\| peer or limit\s+\| ratio\s+\| target\s+\| met/);
        assert.ok(rows.length > 0 && rows.every((row) => row.bench === name), `rows from ${name} only`);
        for (const row of rows) assert.ok(Number.isFinite(row.value) && row.value >= 0, `${row.bench}: ${row.figure} = ${row.value}`);
        assert.ok(rows.filter((row) => row.target !== undefined).every((row) => typeof row.met === 'boolean'), 'every target says whether it is met');
      });
    }
  });
}
