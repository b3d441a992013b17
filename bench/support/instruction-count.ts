import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Node's flags for a counted run: no helper threads (concurrent compilation, parallel
 * garbage collection) and fixed seeds, so that two runs of the same script execute the
 * same instructions give or take a few hundred thousand (the same run, repeated, varies
 * by under 0.01%).
 */
const DETERMINISTIC_NODE_FLAGS = ['--single-threaded', '--hash-seed=1', '--random-seed=1'];

/** How many operations a counted script runs. */
export interface CountedRuns {
  /** Operations run first in both runs, until the JIT has optimised them. */
  readonly warmup: number;
  /** Operations after the warm-up in the shorter run. */
  readonly base: number;
  /** Operations the longer run adds: the count the figure is divided by. */
  readonly extra: number;
}

/** Whether valgrind can be run here. */
export async function valgrindAvailable(): Promise<boolean> {
  try {
    await run('valgrind', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** Instructions a whole `node <script> ...args` run executes, counted by valgrind's cachegrind (`I refs`). */
async function instructionsOfRun(script: URL, args: readonly string[]): Promise<number> {
  const { stderr } = await run(
    'valgrind',
    ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, ...DETERMINISTIC_NODE_FLAGS, fileURLToPath(script), ...args],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const match = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (match === null) throw new Error(`valgrind printed no instruction count for ${script.pathname} ${args.join(' ')}:\n${stderr.slice(-2000)}`);
  return Number((match[1] as string).replaceAll(',', ''));
}

/**
 * Instructions per operation of a script run as `node <script> <operation> <warmup> <count>`:
 * two runs that differ only in `count` (by `runs.extra`), the difference divided by
 * `runs.extra`, so that start-up, warm-up and shut-down cancel out. Instructions, not
 * time: on a shared virtual machine whose host takes a varying share of the CPU, the
 * same operations give the same count.
 */
export async function instructionsPerOperation(script: URL, operation: string, runs: CountedRuns): Promise<number> {
  const [shorter, longer] = await Promise.all([
    instructionsOfRun(script, [operation, String(runs.warmup), String(runs.base)]),
    instructionsOfRun(script, [operation, String(runs.warmup), String(runs.base + runs.extra)]),
  ]);
  return (longer - shorter) / runs.extra;
}
