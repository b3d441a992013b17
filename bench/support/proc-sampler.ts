import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Resident set size of process `pid` in MB (VmRSS of /proc/<pid>/status); undefined once it is gone. */
export function residentMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds process `pid` has used (/proc/<pid>/stat utime + stime); undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5); `fields` starts at field 3.
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return undefined;
  }
}

/** CPU seconds redis-server and influxd use from construction to `used()` (NaN when a pid is unknown). */
export class ServerCpu {
  private readonly redisBefore: number;
  private readonly influxBefore: number;

  constructor(private readonly context: { readonly servers: { readonly redisPid?: number; readonly influxPid?: number } }) {
    this.redisBefore = this.read(context.servers.redisPid);
    this.influxBefore = this.read(context.servers.influxPid);
  }

  used(): { redis: number; influx: number } {
    return {
      redis: this.read(this.context.servers.redisPid) - this.redisBefore,
      influx: this.read(this.context.servers.influxPid) - this.influxBefore,
    };
  }

  private read(pid: number | undefined): number {
    return pid === undefined ? Number.NaN : (cpuSeconds(pid) ?? Number.NaN);
  }
}

/** Samples a process's RSS every `intervalMs` and keeps the peak. */
export class RssSampler {
  peakMb = 0;
  samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, intervalMs = 50) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes one more sample and stops. */
  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return this.peakMb;
  }

  private sample(): void {
    const rss = residentMb(this.pid);
    if (rss === undefined) return;
    this.samples += 1;
    if (rss > this.peakMb) this.peakMb = rss;
  }
}
