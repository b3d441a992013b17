import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { createLogger } from '../../../src/logging/logger.js';
import { isPretty } from '../../../src/logging/log-format.js';
import { DebugPublisher } from '../../../src/publishers/debug/debug-publisher.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../../../src/time/default-timestamp.js';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { waitFor } from '../../support/wait-for.js';

/** A logger in `format` writing into the returned array, one entry per line. */
function capture(format: 'json' | 'pretty' | 'auto', colour = false): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const logger = createLogger({ format, colour, level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return { lines, logger };
}

/** `[HH:MM:SS.mmm] LEVEL (name): message`: local time, level and message, the shape of every pretty line. */
const PRETTY_LINE = /^\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN|ERROR|DEBUG) \((kadabra\.[a-z]+)\): /;

describe('pretty log lines', () => {
  it('are one short line: time, level, logger, message and the scalar fields; no pid or hostname', () => {
    const { lines, logger } = capture('pretty');
    logger.child({ name: 'kadabra.agent' }).warn({ retryInMs: 250, err: 'Error: connect ECONNREFUSED' }, 'publishing failed');
    assert.equal(lines.length, 1);
    const line = lines[0] ?? '';
    assert.match(line, PRETTY_LINE);
    assert.match(line, /WARN \(kadabra\.agent\): publishing failed \{"retryInMs":250,"err":"Error: connect ECONNREFUSED"\}\n$/);
    assert.ok(!line.includes('pid') && !line.includes('hostname'));
    assert.equal(line.split('\n').length, 2);
    assert.throws(() => JSON.parse(line) as unknown);
  });

  it('never inline the debug publisher\'s whole message: its summary only', async () => {
    const { lines, logger } = capture('pretty');
    const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, { env: 'prod' });
    collector.addCount('signups-from-the-landing-page', 3);
    const metrics = collector.close();
    await new DebugPublisher({ logger }).publish([metrics]);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /INFO \(kadabra\.publisher\): metrics: 1 counter\(s\), 0 timer\(s\)\n$/);
    assert.ok(!(lines[0] ?? '').includes('signups-from-the-landing-page'));

    const json = capture('json');
    await new DebugPublisher({ logger: json.logger }).publish([metrics]);
    assert.ok((json.lines[0] ?? '').includes('signups-from-the-landing-page'), 'JSON lines keep the whole message');
  });

  it('still mask credentials, in fields and in the text', () => {
    const { lines, logger } = capture('pretty');
    logger.error({ password: 'hunter2-pw', err: 'Error: redis://user:hunter3-pw@db:6379 refused' }, 'cannot connect');
    assert.ok(!lines[0]?.includes('hunter2-pw') && !lines[0]?.includes('hunter3-pw'), lines[0]);
    assert.match(lines[0] ?? '', /\[redacted\]/);
  });

  it('carry colour codes only when asked', () => {
    const plain = capture('pretty');
    plain.logger.info('x');
    assert.ok(!(plain.lines[0] ?? '').includes('\u001B['));
    const coloured = capture('pretty', true);
    coloured.logger.info('x');
    assert.ok((coloured.lines[0] ?? '').includes('\u001B['));
  });
});

describe('which format', () => {
  it('json and pretty are what they say; auto is JSON into a destination of the caller\'s', () => {
    for (const [format, own, expected] of [['json', false, false], ['json', true, false], ['pretty', true, true], ['pretty', false, true], ['auto', true, false]] as const) {
      assert.equal(isPretty(format, own), expected, `${format} own=${own}`);
    }
    const { lines, logger } = capture('auto');
    logger.info({ n: 1 }, 'hello');
    const parsed = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.deepEqual([parsed['level'], parsed['msg'], parsed['n']], [30, 'hello', 1]);
  });

  it('kadabra agent logs pretty lines with AGENT_LOG_FORMAT=pretty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kadabra-log-format-'));
    let logs = '';
    let stop = (): void => undefined;
    const context: CliContext = {
      env: {
        KADABRA_AGENT_CHANNEL_TYPE: 'sqlite',
        KADABRA_AGENT_CHANNEL_ARGS: JSON.stringify({ path: join(dir, 'channel.db') }),
        KADABRA_AGENT_LOG_FORMAT: 'pretty',
      },
      stdout: () => undefined,
      stderr: (text) => void (logs += text),
      logDestination: { write: (line: string) => void (logs += line) },
      onStopRequest: (handler) => {
        stop = handler;
        return () => undefined;
      },
    };
    try {
      const exitCode = runCli(['agent'], context);
      await waitFor(() => logs.includes('agent started'), 'agent started', 10_000, () => logs);
      stop();
      assert.equal(await exitCode, 0, logs);
      const lines = logs.trimEnd().split('\n');
      assert.ok(lines.some((line) => /INFO \(kadabra\.agent\): agent started/.test(line)), logs);
      for (const line of lines) assert.match(line, PRETTY_LINE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
