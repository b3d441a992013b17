// No credential value in any output of `kadabra agent`, `status`, `send` and
// `dead-letters list` run as child processes with badly configured credentials.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoSecret, COMMANDS, file, pool, runCli, shapes, UNREACHABLE } from '../support/secret-shapes.js';

describe('no credential value in any output', () => {
  test('CLI status, dead-letters list, send and agent as child processes print no credential', async () => {
    const jobs: (() => Promise<void>)[] = [];
    // Child processes are slow: one command per shape (in turn) for two misspellings; the
    // in-process runs cover every spelling with every command.
    ['pasword', 'api_key'].forEach((name, i) => {
      const secret = `S3CRET-cli-${i}-w2`;
      shapes(name, secret).forEach((setup, j) => {
        const config = setup.fileText === undefined ? [] : ['--config', file(setup.fileText)];
        const chosen = [COMMANDS[(i + j) % COMMANDS.length] as string[]];
        for (const command of chosen) {
          jobs.push(async () => {
            const run = await runCli([...command, ...config], { ...UNREACHABLE, ...setup.env }, /./, 8000);
            const where = `kadabra ${command.join(' ')} with ${name} / ${setup.label}`;
            assertNoSecret(run.stdout, secret, `${where} (stdout)`);
            assertNoSecret(run.stderr, secret, `${where} (stderr)`);
            assert.ok(run.stdout.length + run.stderr.length > 0, `${where} printed something`);
          });
        }
      });
    });
    await pool(jobs, 4);
  });
});
