// No credential value in any output, in-process: credentials under many key spellings and
// container shapes (test/support/secret-shapes.ts) reach no thrown error (message, stack,
// causes) and no output of the CLI run in-process.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfigurationFile, resolveAgentConfiguration, resolveClientConfiguration } from '../../src/config/index.js';
import { cli } from '../unit/cli/cli-harness.js';
import { assertNoSecret, COMMANDS, everythingIn, file, shapes, SPELLINGS, UNREACHABLE } from '../support/secret-shapes.js';

describe('no credential value in any output', () => {
  test('configuration errors thrown in-process (message, stack, causes) for every spelling and shape', () => {
    let checked = 0;
    SPELLINGS.forEach((name, i) => {
      const secret = `S3CRET-inproc-${i}-q7`;
      for (const setup of shapes(name, secret)) {
        const attempts: (() => unknown)[] = [
          () => resolveAgentConfiguration(setup.fileText === undefined ? {} : loadConfigurationFile(file(setup.fileText)), setup.env ?? {}),
          () => resolveClientConfiguration(setup.fileText === undefined ? {} : loadConfigurationFile(file(setup.fileText)), setup.env ?? {}),
        ];
        for (const attempt of attempts) {
          try {
            attempt();
          } catch (error) {
            assertNoSecret(everythingIn(error), secret, `${name} / ${setup.label}`);
            checked += 1;
          }
        }
      }
    });
    assert.ok(checked > SPELLINGS.length * 20, `${checked} errors checked`);
  });

  test('the CLI run in-process prints no credential for any spelling, shape and command', async () => {
    for (const [i, name] of SPELLINGS.entries()) {
      const secret = `S3CRET-cli-inproc-${i}-z4`;
      for (const setup of shapes(name, secret)) {
        const config = setup.fileText === undefined ? [] : ['--config', file(setup.fileText)];
        for (const command of COMMANDS.filter((c) => c[0] !== 'agent')) {
          const result = await cli([...command, ...config], { ...UNREACHABLE, ...setup.env });
          const where = `kadabra ${command.join(' ')} with ${name} / ${setup.label}`;
          assertNoSecret(result.stdout + result.stderr + result.logs, secret, where);
          assert.ok(result.stderr.length > 0, `${where} says what is wrong`);
        }
      }
    }
  });
});
