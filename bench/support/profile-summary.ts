import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Share of samples per function: `self` where it was on top, `total` where it was on the stack. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly self: readonly (readonly [string, number])[];
  readonly total: readonly (readonly [string, number])[];
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
}

/**
 * Summarises a `.cpuprofile` written by `node --cpu-prof`: all of it, or the samples
 * within `window` (first and last µs on the profile's clock, as a benchmark logs them),
 * so that a measured run is not mixed with its set-up.
 */
export function summarizeProfile(profile: CpuProfile, top = 25, window?: readonly [number, number]): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const timeById = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window !== undefined && (at < window[0] || at > window[1])) return;
    timeById.set(id, (timeById.get(id) ?? 0) + delta);
  });
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (const [id, time] of timeById) {
    all += time;
    const node = byId.get(id);
    if (node === undefined) continue;
    self.set(label(node), (self.get(label(node)) ?? 0) + time);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const ancestor = byId.get(current);
      if (ancestor === undefined || seen.has(label(ancestor))) continue;
      seen.add(label(ancestor));
      total.set(label(ancestor), (total.get(label(ancestor)) ?? 0) + time);
    }
  }
  const rank = (map: Map<string, number>): (readonly [string, number])[] =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, time]) => [name, time / all] as const);
  return { totalMs: all / 1000, self: rank(self), total: rank(total) };
}

// `node dist/bench/support/profile-summary.js <file.cpuprofile> [top] [--window=FROM-TO]`
if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const args = process.argv.slice(2);
  const windowArg = args.find((arg) => arg.startsWith('--window='));
  const [file, top] = args.filter((arg) => arg !== windowArg);
  if (file === undefined) throw new Error('usage: profile-summary.js <file.cpuprofile> [top] [--window=FROM-TO]');
  const window = windowArg?.slice('--window='.length).split('-').map(Number);
  const summary = summarizeProfile(
    JSON.parse(readFileSync(file, 'utf8')) as CpuProfile,
    Number(top ?? 25),
    window === undefined ? undefined : [window[0] ?? 0, window[1] ?? Number.POSITIVE_INFINITY],
  );
  const show = (rows: readonly (readonly [string, number])[]): string =>
    rows.map(([name, share]) => `${(share * 100).toFixed(1).padStart(5)}%  ${name}`).join('\n');
  process.stdout.write(`${summary.totalMs.toFixed(0)} ms sampled\n\nself:\n${show(summary.self)}\n\ntotal:\n${show(summary.total)}\n`);
}
