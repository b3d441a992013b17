import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyRemoteWriteAnswer } from '../../../../../src/publishers/prometheus/remote-write/classify-remote-write-answer.js';

const answer = (status: number, body = '', headers: Record<string, string> = {}) => ({ status, body, headers });

describe('classifyRemoteWriteAnswer', () => {
  it('2xx written; 5xx and 429 retried with Retry-After; other answers refused with what to change', () => {
    assert.deepEqual(classifyRemoteWriteAnswer(answer(204)), { kind: 'written' });
    assert.deepEqual(classifyRemoteWriteAnswer(answer(200, 'ok')), { kind: 'written' });
    assert.deepEqual(classifyRemoteWriteAnswer(answer(503, 'overloaded', { 'retry-after': '7' })), {
      kind: 'retry',
      reason: 'HTTP 503: overloaded',
      retryAfterMs: 7000,
    });
    assert.equal(classifyRemoteWriteAnswer(answer(429, 'slow down')).kind, 'retry');
    const fixOf = (status: number, body = 'no'): string => {
      const verdict = classifyRemoteWriteAnswer(answer(status, body));
      assert.equal(verdict.kind, 'refused', `HTTP ${status}`);
      return verdict.kind === 'refused' ? verdict.fix : '';
    };
    assert.match(fixOf(400, 'out of order sample'), /another writer sends them too/);
    assert.match(fixOf(400, 'out of bounds'), /remote_write_labels/);
    assert.match(fixOf(401), /username and password, or bearer_token/);
    assert.match(fixOf(403), /the right to write/);
    assert.match(fixOf(404, '404 page not found'), /--web\.enable-remote-write-receiver/);
    assert.match(fixOf(413), /max_series/);
    assert.match(fixOf(415), /remote write 1\.0/);
    assert.match(fixOf(302), /redirects/);
    assert.match(fixOf(422, 'whatever'), /AGENT_PUBLISHER_ARGS\.remote_write/);
  });
});
