import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runKadabra } from '../../support/agent-process.js';
import { useColour } from '../../../src/cli/use-colour.js';
import { cli } from './cli-harness.js';

const ESC = '\u001B';
const MISTAKES = [['bogus'], ['send', 'count'], ['send', 'bogus'], ['status', '--nope'], ['status'], ['dead-letters', 'list', '--limit', 'x'], ['send', 'count', 'c', 'x'], ['--help'], ['send', '--help']];

describe('no colour codes unless the output is a terminal', () => {
  test('errors and usage printed in-process carry no escape codes', async () => {
    for (const args of MISTAKES) {
      const result = await cli(args, { KADABRA_CLIENT_CHANNEL_ARGS: '{"port": 1}', KADABRA_AGENT_CHANNEL_ARGS: '{"port": 1}' });
      assert.ok(!(result.stdout + result.stderr).includes(ESC), `${args.join(' ')}: ${JSON.stringify(result.stderr)}`);
    }
    const unknown = await cli(['bogus']);
    assert.match(unknown.stderr, /Unknown command bogus/);
  });

  test('the kadabra process writing to pipes prints none', () => {
    for (const args of [['bogus'], ['send', 'count']]) {
      const run = runKadabra(args, { FORCE_COLOR: '1', KADABRA_AGENT_CHANNEL_ARGS: '{"port": 1}' });
      assert.ok(!(run.stdout + run.stderr).includes(ESC), `${args.join(' ')}: ${JSON.stringify(run.stderr)}`);
      assert.notEqual(run.stderr, '');
    }
  });

  test('colour only when both streams are terminals and NO_COLOR is unset or empty', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    assert.equal(useColour([tty, tty], {}), true);
    assert.equal(useColour([tty, tty], { NO_COLOR: '' }), true);
    assert.equal(useColour([tty, tty], { NO_COLOR: '1' }), false);
    assert.equal(useColour([tty, pipe], {}), false);
    assert.equal(useColour([pipe, tty], {}), false);
    assert.equal(useColour([{}, tty], {}), false);
  });
});
