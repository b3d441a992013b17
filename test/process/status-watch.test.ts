// `kadabra status --watch` as a person and a script run it: the real CLI against a real
// redis-server (and a real agent for the rates), read refresh by refresh, stopped with
// SIGINT (Ctrl-C) and expected to exit 0.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentProcess, CLI, writeConfig } from '../support/agent-process.js';
import { NodeChild } from '../support/node-child.js';
import { PseudoTerminal } from '../support/pseudo-terminal.js';
import { freePort } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';
import { FAST_AGENT, sendMessages, sharedRedis } from './agent-rig.js';

/** One line of `kadabra status --watch --json`. */
interface WatchLine {
  time: string;
  endpoint: string;
  queued?: number;
  inProgress?: number;
  deadLetters?: number;
  error?: string;
  receivedPerSecond: number | null;
  publishedPerSecond: number | null;
  ratesUnavailable?: string;
}

/** A `kadabra status --watch` process and its stdout lines. */
function watch(config: string, extra: readonly string[] = []): { child: NodeChild; lines: string[] } {
  const lines: string[] = [];
  const child = new NodeChild([CLI, 'status', '--watch', '--interval', '0.2', '--config', config, ...extra], {}, (line) => lines.push(line));
  return { child, lines };
}

/** Parses every line as JSON: each must be one whole object. */
function parseLines(lines: readonly string[]): WatchLine[] {
  return lines.map((line) => JSON.parse(line) as WatchLine);
}

describe('kadabra status --watch', () => {
  const redis = sharedRedis();

  it('refreshes the figures with sparklines, one block per refresh into a pipe, until SIGINT exits 0', async () => {
    const args = redis.channelArgs('watch-text');
    const { child, lines } = watch(writeConfig({ AGENT_CHANNEL_ARGS: args, CLIENT_CHANNEL_ARGS: args }));
    try {
      await waitFor(() => lines.some((line) => /^queued +0 +▁$/.test(line)), 'a first frame', 10_000, () => child.describe());
      await sendMessages(args, 3);
      await waitFor(() => lines.some((line) => /^queued +3 +▁+█+$/.test(line)), 'a frame with 3 queued', 10_000, () => child.describe());
      const exit = await child.stop('SIGINT');
      assert.deepEqual(exit, { code: 0, signal: null }, child.describe());
      assert.equal(child.stderr, '');
      const frames = lines.filter((line) => line.startsWith('queued')).length;
      assert.ok(frames >= 2);
      assert.equal(lines.filter((line) => line.startsWith(`redis://127.0.0.1:${redis.server.port}/0  every 0.2 s`)).length, frames, 'one header per frame');
      assert.ok(lines.some((line) => line.startsWith('messages per second: read from the agent\'s HTTP listener: set its AGENT_HTTP_PORT')));
      assert.ok(!lines.join('\n').includes('\u001B'), 'no ANSI codes into a pipe');
    } finally {
      await child.stop('SIGKILL');
    }
  });

  it('--json gives one JSON object per line per refresh', async () => {
    const args = redis.channelArgs('watch-json');
    const { child, lines } = watch(writeConfig({ AGENT_CHANNEL_ARGS: args }), ['--json']);
    try {
      await waitFor(() => lines.length >= 3, 'three refreshes', 10_000, () => child.describe());
      assert.deepEqual(await child.stop('SIGINT'), { code: 0, signal: null }, child.describe());
      const parsed = parseLines(lines);
      for (const line of parsed) {
        assert.equal(line.endpoint, `redis://127.0.0.1:${redis.server.port}/0`);
        assert.deepEqual([line.queued, line.inProgress, line.deadLetters], [0, 0, 0]);
        assert.deepEqual([line.receivedPerSecond, line.publishedPerSecond], [null, null]);
        assert.match(line.ratesUnavailable ?? '', /AGENT_HTTP_PORT/);
      }
      const times = parsed.map((line) => Date.parse(line.time));
      assert.deepEqual([...times].sort((a, b) => a - b), times, 'in time order');
    } finally {
      await child.stop('SIGKILL');
    }
  });

  it('shows a channel that becomes unreachable as an error and goes on; figures return with it', async () => {
    const args = { ...redis.channelArgs('watch-outage'), connect_timeout: 0.5 };
    const { child, lines } = watch(writeConfig({ AGENT_CHANNEL_ARGS: args }), ['--json']);
    try {
      await waitFor(() => lines.length >= 1, 'a first refresh', 10_000, () => child.describe());
      await redis.server.stop();
      await waitFor(() => parseLines(lines).some((line) => line.error !== undefined), 'an error line', 15_000, () => child.describe());
      await redis.server.restart();
      await waitFor(() => {
        const parsed = parseLines(lines);
        const firstError = parsed.findIndex((line) => line.error !== undefined);
        return parsed.slice(firstError).some((line) => line.queued === 0);
      }, 'figures after Redis returned', 30_000, () => child.describe());
      assert.ok(child.running, 'still watching');
      assert.deepEqual(await child.stop('SIGINT'), { code: 0, signal: null }, child.describe());
      const failed = parseLines(lines).find((line) => line.error !== undefined);
      // The channel's own words, which depend on the moment the connection was lost.
      assert.match(failed?.error ?? '', /^\w*Error: \S/);
      assert.equal(failed?.queued, undefined);
    } finally {
      await child.stop('SIGKILL');
      await redis.server.restart().catch(() => undefined);
    }
  });

  it('shows messages in and out per second from a running agent\'s /metrics, with its token', async () => {
    const token = 'watch-token-5d1a';
    const args = redis.channelArgs('watch-rates');
    const config = writeConfig({ ...FAST_AGENT, AGENT_CHANNEL_ARGS: args, AGENT_HTTP_PORT: await freePort(), AGENT_HTTP_TOKEN: token });
    const agent = new AgentProcess([CLI, 'agent', '--config', config]);
    const { child, lines } = watch(config, ['--json']);
    try {
      await agent.waitUntilStarted();
      const moving = (): boolean => parseLines(lines).some((line) => (line.publishedPerSecond ?? 0) > 0 && (line.receivedPerSecond ?? 0) > 0);
      let sent = 0;
      while (!moving()) {
        if (sent > 20_000) assert.fail(`no rate shown after ${sent} messages\n${child.describe()}`);
        sent += (await sendMessages(args, 20, `r${sent}-`)).length;
      }
      assert.deepEqual(await child.stop('SIGINT'), { code: 0, signal: null }, child.describe());
      const parsed = parseLines(lines);
      // The token was accepted: no refresh was refused (a slow machine may see a read time out).
      assert.ok(!parsed.some((line) => /HTTP \d/.test(line.ratesUnavailable ?? '')), lines.join('\n'));
      assert.ok(!lines.join('\n').includes(token) && !child.stderr.includes(token));
      await agent.stopCleanly();
    } finally {
      await child.stop('SIGKILL');
      await agent.dispose();
    }
  });

  it('on a terminal redraws in place, and Ctrl-C exits 0', async () => {
    const args = redis.channelArgs('watch-tty');
    const terminal = new PseudoTerminal([CLI, 'status', '--watch', '--interval', '0.2', '--config', writeConfig({ AGENT_CHANNEL_ARGS: args })]);
    try {
      const redraws = (): number => terminal.output.split('\u001B[H\u001B[J').length - 1;
      await waitFor(() => redraws() >= 3, 'three frames', 10_000, () => terminal.describe());
      assert.deepEqual(await terminal.ctrlC(), { code: 0, signal: null }, terminal.describe());
      assert.ok(terminal.lines().some((line) => /^queued +0 +▁▁▁/.test(line)), terminal.describe());
    } finally {
      await terminal.dispose();
    }
  });
});
