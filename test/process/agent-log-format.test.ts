// The agent's log lines as a person and a log collector get them: `kadabra agent` on a
// pseudo-terminal writes short human-readable lines, into a pipe JSON lines, and
// AGENT_LOG_FORMAT chooses against the terminal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentProcess, CLI, runKadabra, writeConfig } from '../support/agent-process.js';
import { PseudoTerminal } from '../support/pseudo-terminal.js';
import { waitFor } from '../support/wait-for.js';
import { FAST_AGENT, sendMessages, sharedRedis } from './agent-rig.js';

/** `[HH:MM:SS.mmm] LEVEL (logger): message`: the time, level and message every pretty line starts with. */
const PRETTY_LINE = /^\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN|ERROR|DEBUG) \(kadabra\.[a-z]+\): \S/;

function isJson(line: string): boolean {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
}

describe('kadabra agent log format', () => {
  const redis = sharedRedis();

  /** Runs the agent on a terminal until it published one message, then types Ctrl-C. */
  async function agentOnTerminal(env: NodeJS.ProcessEnv, published: (terminal: PseudoTerminal) => boolean): Promise<string[]> {
    const args = redis.channelArgs('log-format');
    const config = writeConfig({ ...FAST_AGENT, AGENT_CHANNEL_ARGS: args, AGENT_LOG_LEVEL: 'debug' });
    const terminal = new PseudoTerminal([CLI, 'agent', '--config', config], env);
    try {
      await waitFor(() => terminal.output.includes('agent started'), 'agent started', 20_000, () => terminal.describe());
      await sendMessages(args, 1, 'signups-from-the-landing-page');
      await waitFor(() => published(terminal), 'the message published', 20_000, () => terminal.describe());
      assert.deepEqual(await terminal.ctrlC(), { code: 0, signal: null }, terminal.describe());
      return terminal.lines().filter((line) => line !== '');
    } finally {
      await terminal.dispose();
    }
  }

  it('on a terminal: short lines with time, level and message, not JSON, without the published message inlined', async () => {
    const lines = await agentOnTerminal({}, (terminal) => terminal.output.includes('metrics: 1 counter(s)'));
    for (const line of lines) {
      assert.match(line, PRETTY_LINE, lines.join('\n'));
      assert.ok(!isJson(line));
    }
    assert.ok(lines.some((line) => / INFO \(kadabra\.agent\): agent started \{/.test(line)), lines.join('\n'));
    assert.ok(lines.some((line) => / DEBUG \(kadabra\.agent\): published \{/.test(line)), lines.join('\n'));
    assert.ok(lines.some((line) => / INFO \(kadabra\.agent\): agent stopped$/.test(line)), lines.join('\n'));
    assert.ok(!lines.join('\n').includes('signups-from-the-landing-page'), 'the debug publisher\'s message is summarised');
    assert.ok(!lines.join('\n').includes('hostname'));
  });

  it('AGENT_LOG_FORMAT=json on a terminal: JSON lines, the published message whole', async () => {
    const lines = await agentOnTerminal({ KADABRA_AGENT_LOG_FORMAT: 'json' }, (terminal) => terminal.output.includes('signups-from-the-landing-page0'));
    for (const line of lines) assert.ok(isJson(line), line);
    assert.ok(lines.some((line) => line.includes('"msg":"agent started"')));
  });

  it('into a pipe: JSON lines', async () => {
    const args = redis.channelArgs('log-format-pipe');
    const agent = AgentProcess.start({ ...FAST_AGENT, AGENT_CHANNEL_ARGS: args });
    try {
      await agent.waitUntilStarted();
      await sendMessages(args, 1, 'piped');
      await waitFor(() => agent.publishedNames().length === 1, 'published', 10_000, () => agent.describe());
      await agent.stopCleanly();
      const lines = agent.stdout.trimEnd().split('\n');
      assert.ok(lines.length >= 4);
      for (const line of lines) assert.ok(isJson(line), line);
    } finally {
      await agent.dispose();
    }
  });

  it('a bad AGENT_LOG_FORMAT exits 2 naming the value and the choices', () => {
    const run = runKadabra(['agent'], { KADABRA_AGENT_LOG_FORMAT: 'colourful', KADABRA_AGENT_CHANNEL_ARGS: '{"port": 1}' });
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr, 'kadabra agent: invalid configuration: AGENT_LOG_FORMAT (from KADABRA_AGENT_LOG_FORMAT) must be one of "auto", "json", "pretty"; got "colourful"\n');
  });
});
