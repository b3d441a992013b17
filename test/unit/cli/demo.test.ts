import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI } from '../../support/agent-process.js';
import { runNode } from '../../support/node-child.js';
import { startFakeInflux, type FakeInflux } from '../publishers/influxdb/fake-influx.js';
import { cli, startCli } from './cli-harness.js';


/** The table rows (after the dashed rule) whose measurement column is `name`. */
function rowsOf(stdout: string, name: string): string[] {
  return stdout.split('\n').filter((line) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  ${name} `).test(line));
}

function checkTable(stdout: string): void {
  const rounds = Number(/from (\d+) round\(s\)/.exec(stdout)?.[1]);
  assert.ok(rounds >= 1, stdout);
  const messages = Number(/: (\d+) message\(s\)/.exec(stdout)?.[1]);
  assert.equal(messages, rounds * 3, 'one fibonacci and two request messages per round, each once');
  const iterations = rowsOf(stdout, 'iterations');
  assert.equal(iterations.length, rounds);
  assert.match(iterations[0] ?? '', /program=fibonacci +20$/, 'fibonacci(20) counts 20 iterations');
  assert.equal(rowsOf(stdout, 'runTime').length, rounds);
  assert.match(rowsOf(stdout, 'runTime')[0] ?? '', /program=fibonacci .* milliseconds$/);
  const requests = rowsOf(stdout, 'requests');
  assert.equal(requests.length, rounds * 2);
  assert.match(requests[0] ?? '', /service=demo-api method=(GET|POST) route=\S+ status=\d{3} +1 +requestId="req-\d{4}"$/);
  assert.equal(rowsOf(stdout, 'latency').length, rounds * 2);
  assert.match(rowsOf(stdout, 'latency')[0] ?? '', / milliseconds +requestId="req-\d{4}"$/);
  assert.equal(rowsOf(stdout, 'responseBytes').length, rounds * 2);
  assert.match(stdout, /By measurement:\n {2}iterations: \d+ point\(s\), total \d+/);
  assert.doesNotMatch(stdout, /not published in time/);
}

describe('kadabra demo', () => {
  it('--seconds 2 runs the workload through an embedded channel and prints what was published', async () => {
    const { code, stdout, stderr } = await cli(['demo', '--seconds', '2']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /channel +sqlite: /);
    assert.match(stdout, /Published by the debug publisher: /);
    checkTable(stdout);
    assert.equal(stderr, '', 'no warnings');
  });

  it('a stop request (Ctrl-C) ends the workload early and still prints the table', async () => {
    const run = startCli(['demo', '--seconds', '600']);
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    run.stop();
    const { code, stdout, stderr } = await run.result;
    assert.equal(code, 0, stderr);
    assert.ok(Date.now() - started < 60_000, 'it did not run its 600 s');
    checkTable(stdout);
  });

  it('rejects a bad --seconds or --influxdb with exit code 2', async () => {
    for (const args of [['--seconds', '0'], ['--seconds', 'soon'], ['--influxdb', 'localhost:8086']]) {
      const { code, stderr } = await cli(['demo', ...args]);
      assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, new RegExp(`--${args[0]?.slice(2)}`));
    }
  });

  describe('--influxdb URL', () => {
    let influx: FakeInflux;
    before(async () => {
      influx = await startFakeInflux();
    });
    after(() => influx.close());

    it('publishes to that InfluxDB and shows what it wrote', async () => {
      const url = `http://127.0.0.1:${influx.port}`;
      const { code, stdout, stderr } = await cli(['demo', '--seconds', '1', '--influxdb', url]);
      assert.equal(code, 0, stderr);
      assert.match(stdout, new RegExp(`Published to InfluxDB at ${url}: `));
      checkTable(stdout);
      const lines = influx.requests.filter((r) => r.url.startsWith('/write')).flatMap((r) => r.body.split('\n'));
      assert.ok(lines.some((line) => line.startsWith('iterations,program=fibonacci value=20')), lines.join('\n'));
      assert.ok(lines.some((line) => /^requests,.*route=.* requestId="req-0001",value=1/.test(line)), lines.join('\n'));
    });
  });

  it('runs as `kadabra demo` in its own process with no Redis or InfluxDB, and exits by itself', async () => {
    const { code, stdout, stderr } = await runNode([CLI, 'demo', '--seconds', '1']);
    assert.equal(code, 0, stderr);
    checkTable(stdout);
  });
});
