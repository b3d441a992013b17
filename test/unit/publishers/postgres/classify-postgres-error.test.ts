import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { classifyPostgresError, errorReason } from '../../../../src/publishers/postgres/classify-postgres-error.js';

/** An error as node-postgres makes it: a server's (`DatabaseError`, with a severity) for a SQLSTATE, else Node's. */
function errorWith(code: string | undefined, message: string): Error {
  const server = code !== undefined && /^[0-9A-Z]{5}$/.test(code) && code !== 'EPIPE';
  return Object.assign(new Error(message), code === undefined ? {} : { code }, server ? { severity: 'ERROR' } : {});
}

const kindOf = (code: string | undefined, message = 'x'): string => classifyPostgresError(errorWith(code, message), message).kind;

describe('classifyPostgresError', () => {
  it('holds and retries outages, recovery, read-only standbys and a full disk (never dead-lettered)', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '25006', '53100', '53300', '08006', '40001', '58030', '57014', 'XX000']) {
      assert.equal(kindOf(code), 'unavailable', code);
    }
    assert.equal(kindOf(undefined, 'Connection terminated unexpectedly'), 'unavailable');
  });

  it('calls authentication, a missing database or table, privileges and TLS a setup to fix, with the fix', () => {
    for (const code of ['28P01', '28000', '3D000', '42P01', '42501', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']) {
      assert.equal(kindOf(code), 'misconfigured', code);
    }
    assert.equal(kindOf(undefined, 'The server does not support SSL connections'), 'misconfigured');
    const verdict = classifyPostgresError(errorWith('28P01', ''), 'password authentication failed for user "u"');
    assert.ok(verdict.kind === 'misconfigured' && /check username and password/.test(verdict.fix));
  });

  it('calls data exceptions and program limits refused (the batch is split to find the message)', () => {
    for (const code of ['22008', '22P02', '23514', '54000']) assert.equal(kindOf(code), 'refused', code);
  });

  it('names the Node code and every address of an aggregate connection failure', () => {
    const refused = (address: string): Error => Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
    assert.equal(errorReason(new AggregateError([refused('::1:5432'), refused('127.0.0.1:5432')], '')), 'connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
    assert.equal(errorReason(Object.assign(new Error('read failed'), { code: 'EPIPE' })), 'EPIPE read failed');
  });
});
