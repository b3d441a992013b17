// The Redis channel over TLS against real redis-servers started with a CA the test rig
// makes: with and without client certificates, a server name, and the failures a person
// must be able to act on (unknown CA, missing client certificate, wrong password).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RedisChannel } from '../../../src/channels/redis/redis-channel.js';
import { RedisNotReadyError } from '../../../src/channels/redis/redis-not-ready-error.js';
import { Kadabra } from '../../../src/client/kadabra.js';
import { ConfigurationError } from '../../../src/errors/configuration-error.js';
import { createLogger } from '../../../src/logging/logger.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';
import { makeTestCertificates, type TestCertificates } from '../../support/test-ca.js';

const silent = createLogger({ level: 'silent' });

async function statusError(args: Record<string, unknown>): Promise<RedisNotReadyError> {
  const channel = new RedisChannel({ ...args, connect_timeout: 2 }, silent);
  try {
    await channel.status();
  } catch (error) {
    assert.ok(error instanceof RedisNotReadyError, `expected RedisNotReadyError, got ${String(error)}`);
    assert.equal(error.code, 'KADABRA_CHANNEL_NOT_READY');
    assert.doesNotMatch(error.message, /\n/);
    return error;
  } finally {
    await channel.close();
  }
  assert.fail('expected the channel to fail');
}

describe('Redis channel over TLS (real redis-server --tls-port)', () => {
  let certificates: TestCertificates;
  let mutual: RedisServerHandle;
  let serverOnly: RedisServerHandle;
  let withPassword: RedisServerHandle;

  before(async () => {
    certificates = makeTestCertificates();
    mutual = await startRedisServer({ tls: { certificates, authClients: true } });
    serverOnly = await startRedisServer({ tls: { certificates, authClients: false } });
    withPassword = await startRedisServer({ password: 'the-right-one' });
  });
  after(async () => {
    await mutual?.dispose();
    await serverOnly?.dispose();
    await withPassword?.dispose();
    certificates?.dispose();
  });

  async function roundTrip(channelArgs: Record<string, unknown>): Promise<void> {
    const keys = uniqueKeys('tls');
    const client = new Kadabra({ CLIENT_CHANNEL_ARGS: { ...channelArgs, ...keys }, CLIENT_FLUSH_TIMEOUT_SECONDS: 10 }, { logger: silent });
    const metrics = client.metrics();
    metrics.addCount('overTls', 1);
    client.send(metrics.close());
    const stats = await client.close();
    assert.equal(stats.delivered, 1, `delivered (last error: ${String(stats.lastError)})`);

    const agentSide = new RedisChannel({ ...channelArgs, ...keys }, silent);
    try {
      const received = await agentSide.receive({ timeoutSeconds: 5 });
      assert.ok(received, 'received over TLS');
      assert.equal(received.metrics.counters[0]?.name, 'overTls');
      await agentSide.complete([received.receipt]);
      assert.deepEqual(
        { queued: (await agentSide.status()).queued, inProgress: (await agentSide.status()).inProgress },
        { queued: 0, inProgress: 0 },
      );
    } finally {
      await agentSide.close();
    }
  }

  test('client send, agent receive and complete with a client certificate (tls-auth-clients yes)', async () => {
    await roundTrip({ url: mutual.url, ca: certificates.caFile, cert: certificates.clientCertFile, key: certificates.clientKeyFile });
  });

  test('client send, agent receive and complete without a client certificate, by host/port and tls: true', async () => {
    await roundTrip({ host: '127.0.0.1', port: serverOnly.port, tls: true, ca: certificates.caFile });
  });

  test('servername: the certificate is checked against the given name, not the address', async () => {
    await roundTrip({ url: serverOnly.url, ca: certificates.caFile, servername: certificates.serverAltName });
    const error = await statusError({ url: serverOnly.url, ca: certificates.caFile, servername: 'not-in-the-certificate.example' });
    assert.match(error.message, /ERR_TLS_CERT_ALTNAME_INVALID/);
    assert.match(error.message, /fix: .*servername/);
  });

  test('an unknown CA fails with the certificate error and says to set ca', async () => {
    const error = await statusError({
      url: mutual.url,
      ca: certificates.otherCaFile,
      cert: certificates.clientCertFile,
      key: certificates.clientKeyFile,
    });
    assert.match(error.message, /SELF_SIGNED_CERT_IN_CHAIN/);
    assert.match(error.message, /fix: set ca in /);
    assert.equal((error.cause as { code?: unknown }).code, 'SELF_SIGNED_CERT_IN_CHAIN');
    const systemCas = await statusError({ url: mutual.url, cert: certificates.clientCertFile, key: certificates.clientKeyFile });
    assert.match(systemCas.message, /fix: set ca in /);
  });

  test('a missing client certificate says to set cert and key', async () => {
    const error = await statusError({ url: mutual.url, ca: certificates.caFile });
    assert.match(error.message, /certificate required|ECONNRESET/);
    assert.match(error.message, /set cert and key in /);
  });

  test('a wrong password shows WRONGPASS and says which argument to change, never the password', async () => {
    const error = await statusError({ host: '127.0.0.1', port: withPassword.port, password: 'wrong-S3CRET' });
    assert.match(error.message, /WRONGPASS/);
    assert.match(error.message, /fix: check password and username/);
    assert.doesNotMatch(error.message, /wrong-S3CRET/);
    const none = await statusError({ host: '127.0.0.1', port: withPassword.port });
    assert.match(none.message, /NOAUTH.*fix: Redis requires a password/);
  });

  test('TLS files are read at construction; an unreadable one is named with its path', () => {
    assert.throws(
      () => new RedisChannel({ url: mutual.url, ca: '/nonexistent/ca.pem' }, silent),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        /argument ca .*cannot read "\/nonexistent\/ca\.pem" \(ENOENT\)/.test(error.message),
    );
    assert.throws(
      () => new RedisChannel({ url: mutual.url, cert: certificates.clientCertFile }, silent),
      (error: unknown) => error instanceof ConfigurationError && /needs key as well/.test(error.message),
    );
    assert.throws(
      () => new RedisChannel({ port: mutual.port, ca: certificates.caFile }, silent),
      (error: unknown) => error instanceof ConfigurationError && /needs TLS, which is off: use a rediss:\/\/ url or set tls: true/.test(error.message),
    );
  });
});
