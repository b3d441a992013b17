import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteChannel } from '../../../src/channels/sqlite/sqlite-channel.js';
import type { ChannelStatus } from '../../../src/channels/channel.js';
import { createLogger } from '../../../src/logging/logger.js';
import { AgentProcess } from '../../support/agent-process.js';
import type { LogLine } from '../../support/log-line.js';

/** The compiled producer script. */
export const PRODUCER = resolve('dist/test/process/sqlite/sqlite-producer.js');

/** A fresh channel file path in its own temporary directory. */
export function channelPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'kadabra-sqlite-process-')), 'channel.db');
}

/** Starts `kadabra agent` on the SQLite channel at `path` with the debug publisher. */
export function startSqliteAgent(path: string, config: Record<string, unknown> = {}): AgentProcess {
  return AgentProcess.start({
    AGENT_CHANNEL_TYPE: 'sqlite',
    AGENT_CHANNEL_ARGS: { path },
    AGENT_PUBLISHER_TYPE: 'debug',
    ...config,
  });
}

/** The channel's counts, read through a short-lived channel of the test's own. */
export async function statusOf(path: string): Promise<ChannelStatus> {
  const channel = new SqliteChannel({ path }, createLogger({ level: 'silent' }));
  try {
    return await channel.status();
  } finally {
    await channel.close();
  }
}

/** The `seq` metadata of every `produced` counter an agent's debug publisher logged (with repeats). */
export function publishedSeqs(agent: AgentProcess): string[] {
  const seqs: string[] = [];
  for (const line of agent.lines as LogLine[]) {
    if (line.name !== 'kadabra.publisher') continue;
    const metrics = line['metrics'] as { counters?: { name: string; metadata: Record<string, string> }[] } | undefined;
    for (const counter of metrics?.counters ?? []) {
      const seq = counter.metadata['seq'];
      if (counter.name === 'produced' && seq !== undefined) seqs.push(seq);
    }
  }
  return seqs;
}
