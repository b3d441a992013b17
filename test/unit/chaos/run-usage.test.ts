// `npm run chaos`'s command line: --help, and a bad option, scenario key or channel type
// named with the usage, exit code 2, before any server is started.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const RUN = fileURLToPath(new URL('../../../chaos/run.js', import.meta.url));

function chaos(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--help prints the usage with every scenario key and exits 0', () => {
  const run = chaos('--help');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^usage: npm run chaos -- /);
  assert.match(run.stdout, /keys: 1 2 3 .* c1 c2\)/);
});

test('an unknown scenario key among known ones is named, with the usage, exit 2', () => {
  const run = chaos('--only', '6,zz');
  assert.equal(run.code, 2);
  assert.match(run.stderr, /no scenario has the key zz \(--only 6,zz\)/);
  assert.match(run.stderr, /usage: npm run chaos/);
});

test('an unknown option and an unknown channel type are named, exit 2', () => {
  const option = chaos('--bogus');
  assert.equal(option.code, 2);
  assert.match(option.stderr, /'--bogus'/);
  const channel = chaos('--channel', 'kafka');
  assert.equal(channel.code, 2);
  assert.match(channel.stderr, /no channel type kafka; types: redis redis-streams/);
});
