import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyWriteAnswer } from '../../../../src/publishers/influxdb/classify-write-answer.js';
import type { HttpAnswer } from '../../../../src/publishers/http-writes/keep-alive-client.js';
import { parseRetryAfter } from '../../../../src/publishers/http-writes/retry-after.js';

const target = { database: 'kadabra', api: 'v1' as const };

function answer(status: number, body = '', headers: Record<string, string> = {}): HttpAnswer {
  return { status, body, headers };
}

describe('classifyWriteAnswer', () => {
  test('2xx is written', () => {
    assert.deepEqual(classifyWriteAnswer(answer(204), target), { kind: 'written' });
    assert.deepEqual(classifyWriteAnswer(answer(200, '{}'), target), { kind: 'written' });
  });

  test("400/422 are refusals, with InfluxDB's own text (not yet a verdict on the data)", () => {
    const conflict =
      'partial write: field type conflict: input field "value" on measurement "m" is type string, already exists as type float dropped=1';
    assert.deepEqual(classifyWriteAnswer(answer(400, JSON.stringify({ error: conflict })), target), {
      kind: 'refused',
      reason: conflict,
    });
    assert.deepEqual(classifyWriteAnswer(answer(422, '{"code":"unprocessable entity","message":"failure writing points"}'), target), {
      kind: 'refused',
      reason: 'failure writing points',
    });
    assert.deepEqual(classifyWriteAnswer(answer(400, 'cannot parse line'), target), { kind: 'refused', reason: 'cannot parse line' });
    assert.deepEqual(classifyWriteAnswer(answer(400, '', { 'x-influxdb-error': 'unable to parse' }), target), {
      kind: 'refused',
      reason: 'unable to parse',
    });
  });

  test('413 is too large', () => {
    assert.equal(classifyWriteAnswer(answer(413, '{"error":"request entity too large"}'), target).kind, 'too-large');
  });

  test('401/403/404 and setup errors are misconfiguration, with the fix named', () => {
    const missing = classifyWriteAnswer(answer(404, '{"error":"database not found: \\"kadabra\\""}'), target);
    assert.equal(missing.kind, 'misconfigured');
    assert.match(missing.kind === 'misconfigured' ? missing.fix : '', /CREATE DATABASE "kadabra"/);
    const auth = classifyWriteAnswer(answer(401, '{"error":"authorization failed"}'), target);
    assert.match(auth.kind === 'misconfigured' ? auth.fix : '', /username\/password or token/);
    const forbidden = classifyWriteAnswer(answer(403, '{"error":"forbidden"}'), target);
    assert.match(forbidden.kind === 'misconfigured' ? forbidden.fix : '', /GRANT WRITE ON "kadabra"/);
    const rp = classifyWriteAnswer(answer(500, '{"error":"retention policy not found: nope"}'), target);
    assert.match(rp.kind === 'misconfigured' ? rp.fix : '', /retention_policy/);
    // A 400 about the target is not bad data: rejecting would dead-letter everything.
    assert.equal(classifyWriteAnswer(answer(400, '{"error":"database is required"}'), target).kind, 'misconfigured');
    // influxd serving https only, asked in http.
    const scheme = classifyWriteAnswer(answer(400, 'Client sent an HTTP request to an HTTPS server.\n'), target);
    assert.equal(scheme.kind, 'misconfigured');
    assert.match(scheme.kind === 'misconfigured' ? scheme.fix : '', /https:\/\/ url \(or ssl: true\)/);
    const bucket = classifyWriteAnswer(answer(404, '{"message":"bucket \\"b\\" not found"}'), { ...target, api: 'v2' });
    assert.match(bucket.kind === 'misconfigured' ? bucket.fix : '', /bucket/);
  });

  test('429 and 5xx are unavailable, honouring Retry-After', () => {
    assert.deepEqual(classifyWriteAnswer(answer(429, 'slow down', { 'retry-after': '7' }), target), {
      kind: 'unavailable',
      reason: 'HTTP 429: slow down',
      retryAfterMs: 7000,
    });
    const down = classifyWriteAnswer(answer(503, '{"error":"engine: cache maximum memory size exceeded"}'), target);
    assert.equal(down.kind, 'unavailable');
    assert.equal(down.kind === 'unavailable' ? down.retryAfterMs : 0, undefined);
  });
});

describe('parseRetryAfter', () => {
  test('reads delta-seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('0.5'), 500);
    const now = Date.parse('2024-01-02T03:04:05Z');
    assert.equal(parseRetryAfter('Tue, 02 Jan 2024 03:04:15 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Tue, 02 Jan 2024 03:04:00 GMT', now), 0);
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(['2', '9']), 2000);
  });
});
