import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../../src/errors/configuration-error.js';
import { createLogger } from '../../../../src/logging/logger.js';
import { postgresTarget, withoutSecret } from '../../../../src/publishers/postgres/postgres-connection.js';
import { PostgresPublisher } from '../../../../src/publishers/postgres/postgres-publisher.js';
import { parsePublisherArgs } from '../../../../src/publishers/publisher-types.js';

const silent = createLogger({ level: 'silent' });

function refusal(args: Record<string, unknown>): string {
  try {
    parsePublisherArgs('postgres', args);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError);
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(args)}`);
}

describe('PostgreSQL publisher arguments', () => {
  it('has defaults: localhost:5432/kadabra, table kadabra_points, no TLS, 2 connections, no schema creation', () => {
    const args = parsePublisherArgs('postgres', {});
    assert.deepEqual(
      [args.host, args.port, args.database, args.table, args.sslmode, args.pool_size, args.create_schema, args.partitions_ahead, args.retention_days],
      ['localhost', 5432, 'kadabra', 'kadabra_points', 'disable', 2, false, 7, undefined],
    );
  });

  it('refuses bad values naming the argument and what is accepted', () => {
    assert.match(refusal({ sslmode: 'prefer' }), /AGENT_PUBLISHER_ARGS\.sslmode.*"disable", "require", "verify-ca", "verify-full"; got "prefer"/);
    // libpq's fallback modes, which node-postgres cannot do: why, and what to choose instead.
    assert.match(refusal({ sslmode: 'prefer' }), /silently falls back to an unencrypted connection.*choose "require"/);
    assert.match(refusal({ sslmode: 'allow' }), /"allow" tries an unencrypted connection first.*choose "disable" or "require"/);
    assert.match(refusal({ sslmode: 'verify_full' }), /got "verify_full" \(did you mean "verify-full"\?\)/);
    assert.match(refusal({ table: "Points; DROP TABLE x" }), /AGENT_PUBLISHER_ARGS\.table of publisher "postgres" must be a string matching .*a-z_.*; got "Points; DROP TABLE x"/);
    assert.match(refusal({ pool_size: 0 }), /AGENT_PUBLISHER_ARGS\.pool_size/);
    assert.match(refusal({ tabel: 'x' }), /tabel.*not an argument.*table/s);
  });

  it('refuses a url that is not postgres://[user[:password]@]host[:port]/database, saying why, its password masked', () => {
    const refused = (url: string): string => {
      const error = (() => {
        try {
          return new PostgresPublisher({ args: { url }, logger: silent });
        } catch (caught) {
          return caught;
        }
      })();
      assert.ok(error instanceof ConfigurationError, url);
      assert.equal(error.key, 'AGENT_PUBLISHER_ARGS.url');
      return error.message;
    };
    assert.match(refused('postgres://u:hunter2hunter2@h/db?sslmode=require'), /a query string is not taken: set TLS with sslmode/);
    assert.doesNotMatch(refused('postgres://u:hunter2hunter2@h/db?sslmode=require'), /hunter2hunter2/);
    assert.match(refused('mysql://h/db'), /must be postgres:\/\/\[user\[:password\]@\]host\[:port\]\/database; got "mysql:\/\/h\/db": it is not a postgres:\/\/ URL/);
    assert.match(refused('postgres://h/'), /the path must be the database name/);
  });

  it('never shows a password it refuses', () => {
    assert.doesNotMatch(refusal({ password: 12345678 }), /12345678/);
  });

  it('takes host, port, database, user and password from url over the separate arguments, and describes it without the password', () => {
    const target = postgresTarget(parsePublisherArgs('postgres', { url: 'postgresql://me:p%40ss@db.example:6543/metrics', password: 'other', host: 'ignored' }));
    assert.deepEqual(
      [target.pool.host, target.pool.port, target.pool.database, target.pool.user, target.pool.password, target.description],
      ['db.example', 6543, 'metrics', 'me', 'p@ss', 'postgres://me@db.example:6543/metrics'],
    );
    const fallback = postgresTarget(parsePublisherArgs('postgres', { url: 'postgres://db/m', username: 'u', password: 'secret-pw' }));
    assert.deepEqual([fallback.pool.user, fallback.pool.password, fallback.pool.port], ['u', 'secret-pw', 5432]);
    assert.equal(withoutSecret('auth failed for secret-pw', fallback.password), 'auth failed for ***');
  });

  it('maps sslmode to TLS settings, and refuses TLS files without TLS or a cert without its key', () => {
    assert.equal(postgresTarget(parsePublisherArgs('postgres', {})).pool.ssl, false);
    assert.deepEqual(postgresTarget(parsePublisherArgs('postgres', { sslmode: 'require' })).pool.ssl, { rejectUnauthorized: false });
    const verifyCa = postgresTarget(parsePublisherArgs('postgres', { sslmode: 'verify-ca' })).pool.ssl;
    assert.ok(typeof verifyCa === 'object' && verifyCa.rejectUnauthorized === true && typeof verifyCa.checkServerIdentity === 'function');
    assert.throws(() => new PostgresPublisher({ args: { ca: '/etc/hostname' }, logger: silent }), /ca \(in AGENT_PUBLISHER_ARGS\) needs TLS, which is off: set sslmode/);
    assert.throws(() => new PostgresPublisher({ args: { sslmode: 'verify-full', cert: '/etc/hostname' }, logger: silent }), /cert .*needs key as well/);
    assert.throws(() => new PostgresPublisher({ args: { sslmode: 'verify-full', ca: '/no/such/ca.pem' }, logger: silent }), /cannot read "\/no\/such\/ca.pem"/);
  });
});
