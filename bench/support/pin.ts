import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Where the servers and the agent run: influxd alone on one core, the rest on the other. */
export interface CpuPlan {
  /** `taskset -c` list for influxd, or undefined when not pinned. */
  readonly influx?: string;
  /** `taskset -c` list for redis-server and the agent, or undefined when not pinned. */
  readonly rest?: string;
}

/** influxd on the last core, everything else on the first; nothing pinned on one core or without taskset. */
export function cpuPlan(): CpuPlan {
  const cpus = availableParallelism();
  if (cpus < 2 || !hasTaskset()) return {};
  return { influx: String(cpus - 1), rest: '0' };
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Process ids of this process's children whose command name is `comm`. */
export function childPids(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // comm is in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (ppid === process.pid && name === comm) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Pins every thread of process `pid` to the `taskset -c` list `cpus`. */
export function pinProcess(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** Pins this process's children named `comm`; returns how many. */
export function pinChildren(comm: string, cpus: string): number {
  const pids = childPids(comm);
  for (const pid of pids) pinProcess(pid, cpus);
  return pids.length;
}
