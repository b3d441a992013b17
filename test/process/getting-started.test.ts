import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { uniqueKeys } from '../support/redis-server.js';
import { AgentProcess } from '../support/agent-process.js';
import { NodeChild } from '../support/node-child.js';
import { waitFor } from '../support/wait-for.js';
import { sharedRedis } from './agent-rig.js';

/** The code block of docs/agent.md opened with "```ts <name>". */
function snippet(name: string): string {
  const docs = readFileSync(resolve('docs/agent.md'), 'utf8');
  const match = new RegExp('```ts ' + name.replace('.', '\\.') + '\\n([\\s\\S]*?)```').exec(docs);
  assert.ok(match?.[1], `docs/agent.md has a ${name} block`);
  return match[1];
}

/**
 * Writes `code` as an ES module whose `'kadabra'` import resolves to the build. The
 * snippets use no type annotations, so they run as JavaScript unchanged otherwise.
 */
function asModule(dir: string, name: string, code: string): string {
  const dist = (path: string): string => pathToFileURL(resolve(path)).href;
  const shim = join(dir, 'kadabra.mjs');
  writeFileSync(shim, `export * from '${dist('dist/src/index.js')}';\n`);
  const file = join(dir, name.replace(/\.ts$/, '.mjs'));
  writeFileSync(file, code.replaceAll("from 'kadabra'", "from './kadabra.mjs'"));
  return file;
}

describe('docs/agent.md Getting Started, as written', () => {
  const shared = sharedRedis();

  it('run_agent.ts prints the metrics client.ts sends, and CTRL+C stops it gracefully', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kadabra-getting-started-'));
    const runAgent = asModule(dir, 'run_agent.ts', snippet('run_agent.ts'));
    const client = asModule(dir, 'client.ts', snippet('client.ts'));
    // The snippets use the defaults (localhost:6379); point them at this test's server.
    const channel = JSON.stringify({ host: '127.0.0.1', port: shared.server.port, ...uniqueKeys('getting-started') });

    const agent = new AgentProcess([runAgent], { env: { KADABRA_AGENT_CHANNEL_ARGS: channel } });
    try {
      await agent.waitUntilStarted();
      const sender = new NodeChild([client], { KADABRA_CLIENT_CHANNEL_ARGS: channel }, () => undefined);
      assert.equal((await sender.exited).code, 0, sender.describe());

      await agent.waitForLine((line) => line.name === 'kadabra.publisher', 'the metrics printed');
      const line = agent.lines.find((l) => l.name === 'kadabra.publisher');
      const metrics = line?.['metrics'] as { counters: { name: string; value: number }[]; timers: { name: string; value: number }[] };
      assert.deepEqual(metrics.counters.map((c) => [c.name, c.value]), [['myCount', 1], ['myOtherCount', 2]]);
      assert.deepEqual(metrics.timers.map((t) => [t.name, t.value]), [['myTimer', 30000]]);

      await agent.stopCleanly('SIGINT');
      await waitFor(() => agent.lines.some((l) => l.msg === 'agent stopped'), 'agent stopped logged');
    } finally {
      await agent.dispose();
    }
  });
});
