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

// Keeps the benchmarks from rotting: every one runs end to end in its tiny mode against
// real servers. Figures are not checked (speed is asserted by no test), only that each
// benchmark produced its rows with real numbers.
describe('npm run bench:smoke', () => {
  it('runs every benchmark in smoke mode and prints one table', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kadabra-bench-smoke-'));
    const jsonPath = join(dir, 'rows.json');
    try {
      const child = spawn(process.execPath, [RUN, '--smoke', `--json=${jsonPath}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 0, `bench run failed:\n${stderr.slice(-4000)}`);
      assert.match(stdout, /figure\s+\| ours\s+\| peer or limit\s+\| ratio\s+\| target\s+\| met/);

      const { rows } = JSON.parse(readFileSync(jsonPath, 'utf8')) as { rows: BenchRow[] };
      for (const name of BENCHMARKS) {
        assert.ok(rows.some((row) => row.bench === name), `no rows from ${name}`);
      }
      for (const row of rows) {
        assert.ok(Number.isFinite(row.value) && row.value >= 0, `${row.bench}: ${row.figure} = ${row.value}`);
      }
      const targets = rows.filter((row) => row.target !== undefined);
      assert.ok(targets.length >= 8, 'every target of the issue has a row');
      assert.ok(targets.every((row) => typeof row.met === 'boolean'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
