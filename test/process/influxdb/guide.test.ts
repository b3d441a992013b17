import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { type InfluxDBServerHandle, type InfluxSeries } from '../../support/influxdb-server.js';
import { AgentProcess } from '../../support/agent-process.js';
import { waitFor } from '../../support/wait-for.js';
import { channelArgs, sharedServers } from './influx-agent-rig.js';

const GUIDE = 'docs/influxdb.md';

/** The code block of the guide opened with "```<lang> <name>". */
function snippet(lang: string, name: string): string {
  const docs = readFileSync(resolve(GUIDE), 'utf8');
  const match = new RegExp('```' + lang + ' ' + name.replace('.', '\\.') + '\\n([\\s\\S]*?)```').exec(docs);
  assert.ok(match?.[1], `${GUIDE} has a ${lang} ${name} block`);
  return match[1];
}

/** An example's source without its leading comment lines (the guide shows the code). */
function exampleCode(name: string): string {
  const lines = readFileSync(resolve('examples', name), 'utf8').split('\n');
  return lines.slice(lines.findIndex((line) => !line.startsWith('//'))).join('\n');
}

/** Runs `node dist/examples/fib.js N` as the application would, with the client pointed at the test's Redis. */
function runFib(n: number, channel: object): string {
  const result = spawnSync(process.execPath, [resolve('dist/examples/fib.js'), String(n)], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'], KADABRA_CLIENT_CHANNEL_ARGS: JSON.stringify(channel) },
    timeout: 30_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

function series(result: { results: readonly { series?: readonly InfluxSeries[]; error?: string }[] }): InfluxSeries {
  const first = result.results[0];
  assert.equal(first?.error, undefined);
  const only = first?.series?.[0];
  assert.ok(only, 'the query answered a series');
  return only;
}

/** The guide's three queries, checked against what the guide says they show. */
async function checkGuideQueries(influx: InfluxDBServerHandle, database: string): Promise<void> {
  // InfluxDB indexes a new measurement before its points can be read: wait for the points.
  const answered = async (query: string): Promise<boolean> => ((await influx.query(query, database)).results[0]?.series?.length ?? 0) > 0;
  await waitFor(
    async () =>
      (await influx.query('SHOW MEASUREMENTS', database)).results[0]?.series?.[0]?.values?.length === 2 &&
      (await answered('SELECT * FROM runTime')) &&
      (await answered('SELECT * FROM iterations')),
    'both measurements stored and readable',
    20_000,
  );
  assert.deepEqual(series(await influx.query('SHOW MEASUREMENTS', database)).values, [['iterations'], ['runTime']]);

  const runTime = series(await influx.query('SELECT * FROM runTime', database));
  assert.deepEqual(runTime.columns, ['time', 'program', 'unit', 'value']);
  assert.equal(runTime.values?.length, 1);
  const [, program, unit, value] = runTime.values?.[0] ?? [];
  assert.equal(program, 'fibonacci');
  assert.equal(unit, 'milliseconds');
  assert.ok(typeof value === 'number' && value >= 0, `runTime value ${String(value)}`);

  const iterations = series(await influx.query('SELECT * FROM iterations', database));
  assert.deepEqual(iterations.columns, ['time', 'program', 'value']);
  assert.deepEqual(iterations.values?.map((row) => row.slice(1)), [['fibonacci', 30]]);
}

describe('docs/influxdb.md "Using with InfluxDB", end to end', () => {
  const servers = sharedServers();

  it('the guide shows examples/fib.ts and examples/run_agent.ts as they are', () => {
    assert.equal(snippet('ts', 'fib.ts'), exampleCode('fib.ts'));
    assert.equal(snippet('ts', 'run_agent.ts'), exampleCode('run_agent.ts'));
  });

  it('kadabra agent --config agent.json publishes what fib.ts 30 records; the InfluxQL queries show it', async () => {
    // The guide: CREATE DATABASE kadabra, then the agent with its agent.json.
    await servers.influx.createDatabase('kadabra');
    const config = JSON.parse(snippet('json', 'agent.json')) as Record<string, unknown>;
    assert.deepEqual(config, { AGENT_PUBLISHER_TYPE: 'influxdb' });
    // Only where the servers are differs from the guide (free ports, own keys).
    const channel = channelArgs(servers.redis.port, 'guide');
    const agent = AgentProcess.start(config, {
      env: {
        KADABRA_AGENT_CHANNEL_ARGS: JSON.stringify(channel),
        KADABRA_AGENT_PUBLISHER_ARGS: JSON.stringify({ host: '127.0.0.1', port: servers.influx.port }),
      },
    });
    try {
      await agent.waitUntilStarted();
      assert.equal(runFib(30, channel), '832040\n');
      await checkGuideQueries(servers.influx, 'kadabra');

      await agent.stopCleanly('SIGINT');
    } finally {
      await agent.dispose();
    }
  });

  it('run_agent.ts with create_database: true creates the database and publishes the same', async () => {
    const database = 'kadabra_run_agent';
    const channel = channelArgs(servers.redis.port, 'guide-run-agent');
    const agent = new AgentProcess([resolve('dist/examples/run_agent.js')], {
      env: {
        KADABRA_AGENT_CHANNEL_ARGS: JSON.stringify(channel),
        KADABRA_AGENT_PUBLISHER_ARGS: JSON.stringify({ host: '127.0.0.1', port: servers.influx.port, database, create_database: true }),
      },
    });
    try {
      await agent.waitUntilStarted();
      assert.equal(runFib(30, channel), '832040\n');
      await checkGuideQueries(servers.influx, database);

      await agent.stopCleanly();
    } finally {
      await agent.dispose();
    }
  });
});
