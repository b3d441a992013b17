import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './cli-harness.js';

function configFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kadabra-cli-')), 'config.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const COMMANDS = [
  [], ['agent'], ['status'], ['dead-letters'], ['dead-letters', 'list'], ['dead-letters', 'requeue'],
  ['dead-letters', 'purge'], ['send'], ['send', 'count'], ['send', 'timer'],
];

describe('kadabra CLI', () => {
  for (const command of COMMANDS) {
    it(`${['kadabra', ...command].join(' ')} --help prints its usage`, async () => {
      const result = await cli([...command, '--help']);
      assert.equal(result.code, 0);
      assert.match(result.stdout, /USAGE/);
      assert.ok(result.stdout.includes(['kadabra', ...command].join(' ')), result.stdout);
    });
  }

  it('lists its commands in the top-level help', async () => {
    const { stdout } = await cli(['--help']);
    for (const name of ['agent', 'status', 'dead-letters', 'send']) assert.ok(stdout.includes(name));
  });

  it('send count --help documents the repeatable options', async () => {
    const { stdout } = await cli(['send', 'count', '--help']);
    assert.match(stdout, /--dimension/);
    assert.match(stdout, /--metadata/);
    assert.match(stdout, /--config/);
  });

  it('with no command, prints usage and exits 2', async () => {
    const result = await cli([]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /USAGE/);
  });

  it('an unknown command exits 2', async () => {
    const result = await cli(['publish']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Unknown command/);
  });

  it('agent: a bad configuration value is one line on stderr naming the key, exit 2', async () => {
    const result = await cli(['agent', '--config', configFile({ AGENT_RECEIVER_THREADS: 'many' })]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /AGENT_RECEIVER_THREADS/);
  });

  it('agent: a bad environment override names the key, exit 2', async () => {
    const result = await cli(['agent'], { KADABRA_AGENT_TYPE: 'turbo' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /AGENT_TYPE/);
  });

  it('agent: a missing or malformed file exits 2', async () => {
    assert.equal((await cli(['agent', '--config', '/nonexistent/kadabra.json'])).code, 2);
    const result = await cli(['agent', '--config', configFile('{ not json')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not valid JSON/);
  });

  it('agent: an unknown publisher type exits 2 naming the key', async () => {
    const result = await cli(['agent'], { KADABRA_AGENT_PUBLISHER_TYPE: 'kafka' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /AGENT_PUBLISHER_TYPE/);
  });

  it('status: a bad configuration exits 2 before touching the channel', async () => {
    const result = await cli(['status', '--config', configFile({ AGENT_CHANNEL_ARGS: { port: 'x' } })]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /port/);
  });

  it('send: a value that is not a number exits 2', async () => {
    const result = await cli(['send', 'count', 'signups', 'lots']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /VALUE must be a finite number/);
  });

  it('send: a malformed --dimension exits 2', async () => {
    const result = await cli(['send', 'count', 'signups', '1', '--dimension', 'novalue']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--dimension takes key=value/);
  });

  it('send timer: an unknown unit exits 2', async () => {
    const result = await cli(['send', 'timer', 'render', '12', '--unit', 'fortnights']);
    assert.equal(result.code, 2);
  });

  it('dead-letters list: a bad --limit exits 2', async () => {
    const result = await cli(['dead-letters', 'list', '--limit', '0']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--limit must be a positive integer/);
  });
});
