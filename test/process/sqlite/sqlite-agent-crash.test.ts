import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { Kadabra } from '../../../src/client/kadabra.js';
import { waitFor } from '../../support/wait-for.js';
import { SqliteChannel } from '../../../src/channels/sqlite/sqlite-channel.js';
import { createLogger } from '../../../src/logging/logger.js';
import { channelPath, PRODUCER, publishedSeqs, startSqliteAgent, statusOf } from './sqlite-support.js';

/** A TCP server that accepts HTTP requests and never answers: a publish stays in flight. */
async function startHangingServer(): Promise<{ port: number; requests: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      if (/^POST /m.test(chunk.toString('latin1'))) requests += 1;
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return {
    port: address.port,
    requests: () => requests,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function send(path: string, from: number, to: number): Promise<string[]> {
  const client = new Kadabra({ CLIENT_CHANNEL_TYPE: 'sqlite', CLIENT_CHANNEL_ARGS: { path }, CLIENT_LOG_LEVEL: 'warn' });
  const seqs: string[] = [];
  for (let i = from; i < to; i += 1) {
    const metrics = client.metrics();
    metrics.addCount('produced', 1, { metadata: { seq: `crash-${i}` } });
    client.send(metrics.close());
    seqs.push(`crash-${i}`);
  }
  const stats = await client.close();
  assert.equal(stats.delivered, to - from);
  return seqs;
}

describe('processes on the SQLite channel killed with SIGKILL', () => {
  it('an app killed after its flush resolved loses none of the messages it sent', async () => {
    const path = channelPath();
    const child = spawn(process.execPath, [PRODUCER, path, 'killed', '200', 'hold'], {
      env: { PATH: process.env['PATH'] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_code, signal) => done(signal)));
    await waitFor(() => stdout.includes('\n'), 'the producer flushed', 20_000, () => stdout);
    assert.equal((JSON.parse(stdout) as { delivered: number }).delivered, 200);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    const channel = new SqliteChannel({ path }, createLogger({ level: 'silent' }));
    try {
      const received = await channel.receiveBatch(1000);
      const seqs = received.map((m) => m.metrics.counters[0]?.metadata['seq']);
      assert.deepEqual(seqs, Array.from({ length: 200 }, (_, i) => `killed-${i}`), 'all there, in order');
    } finally {
      await channel.close();
    }
  });

  it('the messages it was publishing stay in progress and a new agent\'s nanny publishes them', async () => {
    const path = channelPath();
    const influx = await startHangingServer();
    const sent = await send(path, 0, 40);
    const doomed = startSqliteAgent(path, {
      AGENT_TYPE: 'batched',
      BATCHED_AGENT_INTERVAL_SECONDS: 0.2,
      AGENT_PUBLISHER_TYPE: 'influxdb',
      AGENT_PUBLISHER_ARGS: { url: `http://127.0.0.1:${influx.port}`, timeout: 120 },
    });
    let survivor: ReturnType<typeof startSqliteAgent> | undefined;
    try {
      await waitFor(() => influx.requests() > 0, 'a write request in flight', 20_000, () => doomed.describe());
      assert.equal((await statusOf(path)).inProgress, 40, 'the batch is in progress while it is being written');
      doomed.kill('SIGKILL');
      assert.equal((await doomed.exited).signal, 'SIGKILL');

      const afterCrash = await statusOf(path);
      assert.equal(afterCrash.inProgress, 40, 'nothing was lost with the process');
      assert.equal(afterCrash.queued, 0, 'only the nanny can publish them now');

      survivor = startSqliteAgent(path, { AGENT_NANNY_FREQUENCY_SECONDS: 0.2, AGENT_NANNY_THRESHOLD_SECONDS: 2 });
      const agent = survivor;
      await agent.waitUntilStarted();
      sent.push(...(await send(path, 40, 50)));
      await waitFor(() => publishedSeqs(agent).length >= 50, 'all 50 published', 30_000, () => agent.describe());
      await waitFor(async () => (await statusOf(path)).inProgress === 0, 'in-progress drained', 20_000);
      assert.ok(agent.lines.some((line) => line.msg === 'republishing messages stuck in progress'), 'the nanny did it');
      assert.deepEqual(publishedSeqs(agent).sort(), [...sent].sort(), 'each published once');
      const status = await statusOf(path);
      assert.equal(status.queued, 0);
      assert.equal(status.deadLetters, 0);

      await agent.stopCleanly();
    } finally {
      await doomed.dispose();
      await survivor?.dispose();
      await influx.close();
    }
  });
});
