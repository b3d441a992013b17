import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { agentMetricFamilies } from '../../../src/agent/monitoring/agent-metrics.js';
import { AgentStats } from '../../../src/agent/monitoring/agent-stats.js';
import { renderExposition } from '../../../src/agent/monitoring/exposition.js';
import { CliUsageError } from '../../../src/cli/cli-usage-error.js';
import { parseWatchInterval } from '../../../src/cli/commands/status-command.js';
import { statusReport } from '../../../src/cli/status-report.js';
import { agentMetricsUrl, messageRates, parseAgentTotals, readAgentTotals } from '../../../src/cli/status-watch/agent-rates.js';
import { sparkline } from '../../../src/cli/status-watch/sparkline.js';
import { formatWatchFrame } from '../../../src/cli/status-watch/watch-frame.js';
import { watchSampleLine, type WatchSample } from '../../../src/cli/status-watch/watch-sample.js';
import { watchStatus, WATCH_HISTORY_LENGTH } from '../../../src/cli/status-watch/watch-status.js';
import { MemoryChannel } from '../../support/memory-channel.js';
import { waitFor } from '../../support/wait-for.js';

const ENDPOINT = 'memory://test';
const STATUS = { queued: 7, inProgress: 2, oldestInProgressAt: 0, oldestInProgressMs: 1500, deadLetters: 1, deadLetterAlarmThreshold: 10 };

function sample(overrides: Partial<WatchSample> = {}): WatchSample {
  return {
    at: new Date(2026, 11, 2, 10, 20, 30),
    endpoint: ENDPOINT,
    report: statusReport(ENDPOINT, STATUS),
    rates: { receivedPerSecond: 12.5, publishedPerSecond: 12 },
    ...overrides,
  };
}

describe('sparkline', () => {
  it('scales from 0 to the largest value: 0 lowest, the largest highest, one character each', () => {
    assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█');
    assert.equal(sparkline([0, 7, 14]), '▁▅█');
  });

  it('does not stretch a steady level to the full height: 1,000 and 1,001 both look full', () => {
    assert.equal(sparkline([1000, 1001, 1000]), '███');
  });

  it('leaves a gap where a read failed, and draws all zeros (and negatives) flat', () => {
    assert.equal(sparkline([3, null, 3]), '█ █');
    assert.equal(sparkline([0, 0, 0]), '▁▁▁');
    assert.equal(sparkline([-2, 0, 4]), '▁▁█');
    assert.equal(sparkline([]), '');
  });
});

describe('messages per second from the agent\'s totals', () => {
  it('is the difference over the seconds between two readings', () => {
    const rates = messageRates({ received: 100, published: 90, atMs: 10_000 }, { received: 150, published: 190, atMs: 12_000 });
    assert.deepEqual(rates, { receivedPerSecond: 25, publishedPerSecond: 50 });
  });

  it('is unknown for the first reading, when no time passed, and across a restart of the agent', () => {
    const none = { receivedPerSecond: null, publishedPerSecond: null };
    assert.deepEqual(messageRates(undefined, { received: 5, published: 5, atMs: 1000 }), none);
    assert.deepEqual(messageRates({ received: 5, published: 5, atMs: 1000 }, { received: 9, published: 9, atMs: 1000 }), none);
    const restarted = messageRates({ received: 500, published: 400, atMs: 0 }, { received: 3, published: 450, atMs: 1000 });
    assert.deepEqual(restarted, { receivedPerSecond: null, publishedPerSecond: 50 });
  });

  it('reads the totals from the page the agent serves, not from labelled or longer names', async () => {
    const stats = new AgentStats();
    stats.received = 42;
    stats.published = 40;
    const eventLoop = monitorEventLoopDelay();
    const page = renderExposition(await agentMetricFamilies({ stats, channel: new MemoryChannel(), eventLoop, eventLoopResolutionMs: 10 }));
    assert.deepEqual(parseAgentTotals(page, 123), { received: 42, published: 40, atMs: 123 });
    const decoys = 'kadabra_agent_messages_received_total_x 9\nkadabra_agent_messages_received_total{a="b"} 8\n';
    assert.throws(() => parseAgentTotals(`${decoys}kadabra_agent_messages_published_total 1\n`, 0), /no kadabra_agent_messages_received_total/);
  });

  it('finds the listener by the configuration: none without a fixed port; a wildcard bind on loopback', () => {
    const url = (host: string, port: number | null): string | undefined => agentMetricsUrl({ AGENT_HTTP_HOST: host, AGENT_HTTP_PORT: port });
    assert.equal(url('127.0.0.1', null), undefined);
    assert.equal(url('127.0.0.1', 0), undefined);
    assert.equal(url('0.0.0.0', 9464), 'http://127.0.0.1:9464/metrics');
    assert.equal(url('::', 9464), 'http://[::1]:9464/metrics');
    assert.equal(url('fd00::5', 9464), 'http://[fd00::5]:9464/metrics');
    assert.equal(url('agent.internal', 80), 'http://agent.internal:80/metrics');
  });
});

/** A stand-in for the agent's listener: `/metrics` with the totals, behind a bearer token. */
async function metricsServer(token: string, totals: () => { received: number; published: number }): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${token}`) {
      response.writeHead(401).end('a bearer token is required\n');
      return;
    }
    const { received, published } = totals();
    response.end(`kadabra_agent_messages_received_total ${received}\nkadabra_agent_messages_published_total ${published}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics` };
}

describe('reading the agent\'s /metrics', () => {
  it('sends the token as a bearer token; a wrong one is a line naming AGENT_HTTP_TOKEN, without the token', async () => {
    const { server, url } = await metricsServer('s3cret-t0ken', () => ({ received: 3, published: 2 }));
    try {
      assert.deepEqual(await readAgentTotals(url, 's3cret-t0ken', () => 77), { received: 3, published: 2, atMs: 77 });
      await assert.rejects(readAgentTotals(url, 'wrong-t0ken'), (error: Error) => {
        assert.match(error.message, /^HTTP 401 \(set AGENT_HTTP_TOKEN to the agent's token\)/);
        assert.ok(!error.message.includes('t0ken'));
        return true;
      });
    } finally {
      server.close();
      server.closeAllConnections();
    }
    await assert.rejects(readAgentTotals(url, null), (error: Error) => error.message.startsWith('no answer: '));
  });
});

describe('the watch frame and its JSON line', () => {
  it('shows each figure now and its sparkline over the history, oldest first', () => {
    const history = [0, 7, 14].map((queued) => sample({ report: statusReport(ENDPOINT, { ...STATUS, queued }) }));
    const lines = formatWatchFrame(history, 1).split('\n');
    assert.match(lines[0] ?? '', /^memory:\/\/test {2}every 1 s, Ctrl-C stops {2}10:20:30$/);
    assert.ok(lines.includes('queued              14          ▁▅█'), lines.join('\n'));
    assert.ok(lines.includes('in progress         2           ███'));
    assert.ok(lines.includes('oldest in progress  1.5 s       ███'));
    assert.ok(lines.includes('messages in /s      12.5        ███'));
    assert.ok(lines.includes('messages out /s     12.0        ███'));
    assert.ok(lines.includes('dead letters alarm above 10'));
    assert.ok(!lines.some((line) => line.startsWith('ALARM')));
  });

  it('shows a failed read as a gap and a line saying why, keeps the rest; says why rates are missing', () => {
    const failed = sample({ report: undefined, channelError: 'Error: connect ECONNREFUSED', rates: { receivedPerSecond: null, publishedPerSecond: null }, ratesUnavailable: 'the agent at http://x/metrics: no answer' });
    const frame = formatWatchFrame([sample(), failed, sample()], 2);
    assert.match(frame, /^queued {14}7 {11}█ █$/m);
    const last = formatWatchFrame([sample(), failed], 2);
    assert.match(last, /^queued {14}- {11}█$/m);
    assert.match(last, /^cannot use the channel at memory:\/\/test: Error: connect ECONNREFUSED; trying again every 2 s$/m);
    assert.match(last, /^messages per second: the agent at http:\/\/x\/metrics: no answer$/m);
  });

  it('raises the alarm line past dead_max_length', () => {
    const frame = formatWatchFrame([sample({ report: statusReport(ENDPOINT, { ...STATUS, deadLetters: 11 }) })], 1);
    assert.match(frame, /^ALARM: 11 dead letters, more than dead_max_length \(10\); none is deleted\.$/m);
  });

  it('gives one JSON object per refresh: the status fields and the rates, or the error', () => {
    const line = watchSampleLine(sample());
    assert.ok(line.endsWith('}\n') && !line.slice(0, -1).includes('\n'));
    assert.deepEqual(JSON.parse(line), {
      time: sample().at.toISOString(), ...statusReport(ENDPOINT, STATUS), receivedPerSecond: 12.5, publishedPerSecond: 12,
    });
    const failed = JSON.parse(watchSampleLine(sample({ report: undefined, channelError: 'down', rates: { receivedPerSecond: null, publishedPerSecond: null }, ratesUnavailable: 'why' })));
    assert.deepEqual(failed, { time: sample().at.toISOString(), endpoint: ENDPOINT, error: 'down', receivedPerSecond: null, publishedPerSecond: null, ratesUnavailable: 'why' });
  });
});

describe('--interval', () => {
  it('defaults to 1 s and takes seconds from 0.1 to 3600', () => {
    assert.equal(parseWatchInterval(undefined, true), 1);
    assert.equal(parseWatchInterval('0.25', true), 0.25);
    assert.equal(parseWatchInterval('3600', true), 3600);
  });

  it('refuses other values, naming the value and the range, and applies only with --watch', () => {
    for (const bad of ['0', '0.05', '-1', '3601', 'fast', '']) {
      assert.throws(() => parseWatchInterval(bad, true), (error: Error) => error instanceof CliUsageError && error.message.includes(JSON.stringify(bad)));
    }
    assert.throws(() => parseWatchInterval('0', true), /--interval must be from 0.1 to 3600 seconds; got "0"/);
    assert.throws(() => parseWatchInterval('2', false), /--interval applies only with --watch/);
  });
});

describe('watchStatus', () => {
  /** Runs a watch until `until` holds for what it wrote, then stops it. */
  async function watchUntil(channel: MemoryChannel, options: { json: boolean; terminal: boolean; agent?: { url: string; token: string | null } }, until: (written: string[]) => boolean): Promise<string[]> {
    const written: string[] = [];
    const stop = new AbortController();
    const watching = watchStatus({
      channel, endpoint: ENDPOINT, intervalSeconds: 0.1, agent: undefined, ...options, write: (text) => void written.push(text), signal: stop.signal,
    });
    await waitFor(() => until(written), 'the watch to show enough', 10_000, () => written.join(''));
    stop.abort();
    await watching;
    return written;
  }

  it('keeps refreshing through failed channel reads, showing each, and recovers', async () => {
    const channel = new MemoryChannel();
    channel.failNext('status', new Error('channel down'), 3);
    const lines = await watchUntil(channel, { json: true, terminal: false }, (written) => written.length >= 5);
    const parsed = lines.map((line) => JSON.parse(line) as { error?: string; queued?: number });
    assert.deepEqual(parsed.slice(0, 3).map((line) => line.error), ['Error: channel down', 'Error: channel down', 'Error: channel down']);
    assert.equal(parsed[3]?.queued, 0);
  });

  it('on a terminal, redraws each frame from the top left; elsewhere prints one block per refresh', async () => {
    const redraws = await watchUntil(new MemoryChannel(), { json: false, terminal: true }, (written) => written.length >= 2);
    for (const frame of redraws) assert.ok(frame.startsWith('\u001B[H\u001B[J'), JSON.stringify(frame));
    const blocks = await watchUntil(new MemoryChannel(), { json: false, terminal: false }, (written) => written.length >= 2);
    for (const block of blocks) {
      assert.ok(!block.includes('\u001B'));
      assert.ok(block.endsWith('\n\n'));
    }
  });

  it('keeps at most a minute of history in the sparklines', async () => {
    const frames = await watchUntil(new MemoryChannel(), { json: false, terminal: false }, (written) => written.length > WATCH_HISTORY_LENGTH + 2);
    const queued = (frames.at(-1) ?? '').split('\n').find((line) => line.startsWith('queued')) ?? '';
    assert.equal(queued.split(/\s+/).at(-1), '▁'.repeat(WATCH_HISTORY_LENGTH));
  });

  it('ends on the stop request while a read waits on a channel that never answers', async () => {
    const channel = new MemoryChannel();
    let reads = 0;
    channel.status = () => {
      reads += 1;
      return new Promise(() => undefined);
    };
    const stop = new AbortController();
    const written: string[] = [];
    const watching = watchStatus({
      channel, endpoint: ENDPOINT, intervalSeconds: 0.1, json: true, terminal: false, agent: undefined, write: (text) => void written.push(text), signal: stop.signal,
    });
    await waitFor(() => reads === 1, 'a read in flight');
    stop.abort();
    await watching;
    assert.deepEqual(written, []);
  });

  it('shows messages per second from the agent\'s totals from the second reading on', async () => {
    let received = 0;
    const { server, url } = await metricsServer('t', () => ({ received: (received += 10), published: received }));
    try {
      const lines = await watchUntil(new MemoryChannel(), { json: true, terminal: false, agent: { url, token: 't' } }, (written) => written.length >= 3);
      const parsed = lines.map((line) => JSON.parse(line) as { receivedPerSecond: number | null; ratesUnavailable?: string });
      assert.equal(parsed[0]?.receivedPerSecond, null);
      assert.equal(parsed[0]?.ratesUnavailable, 'from the next refresh on');
      for (const line of parsed.slice(1)) {
        assert.ok(line.receivedPerSecond !== null && line.receivedPerSecond > 0, JSON.stringify(line));
        assert.equal(line.ratesUnavailable, undefined);
      }
    } finally {
      server.close();
    }
  });
});
