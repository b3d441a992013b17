// Log lines carry producer-controlled text (the debug publisher logs whole messages, error
// reasons quote them): masking URL passwords in them must take time linear in their size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeError } from '../../../src/agent/channel-failures.js';
import { maskUrlPasswords, redactSecrets } from '../../../src/logging/redact-secrets.js';

function timed(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start);
}

test('masks the password of every URL, and only that', () => {
  assert.equal(maskUrlPasswords('redis://:s3cret@h:6379/0 and https://u:p:q@x/y'), 'redis://:[redacted]@h:6379/0 and https://u:[redacted]@x/y');
  assert.equal(maskUrlPasswords('http://host:8086/write?u=a@b'), 'http://host:8086/write?u=a@b');
  assert.equal(maskUrlPasswords('no url here: a@b'), 'no url here: a@b');
  assert.equal(maskUrlPasswords('x://a:b'), 'x://a:b');
  assert.equal(describeError(new Error('connect rediss://user:pw@h failed')), 'Error: connect rediss://[redacted]@h failed');
});

test('time grows linearly with hostile text: 16 times the text costs far less than 256 times', () => {
  const hostile = (n: number): string[] => [
    'a'.repeat(n),
    'a://'.repeat(n / 4),
    `a://${'b'.repeat(n)}`,
    `a://b:${'c'.repeat(n)}`,
    'a://b:c'.repeat(n / 7),
  ];
  for (const [index, small] of hostile(4000).entries()) {
    const large = hostile(64_000)[index] as string;
    const run = (text: string) => () => {
      redactSecrets(text);
      describeError(new Error(text));
    };
    // Warm up, then take the best of seven of each size (the ratio, not a duration): on a
    // loaded machine one of three runs of either size was seen preempted or collected.
    run(small)();
    const best = (text: string): number => Math.min(...Array.from({ length: 7 }, () => timed(run(text))));
    const smallNs = best(small);
    const largeNs = best(large);
    // Linear: about 16x; quadratic: about 256x. 64x leaves room for noise.
    assert.ok(largeNs < 64 * Math.max(smallNs, 20_000), `case ${index}: ${smallNs} ns for 4,000 chars, ${largeNs} ns for 64,000`);
  }
});
