// The TLS test rig itself: servers started with the test CA answer over TLS to a client
// that trusts it, and refuse one that does not.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { startInfluxDB, type InfluxDBServerHandle } from '../../support/influxdb-server.js';
import { startRedisServer, type RedisServerHandle } from '../../support/redis-server.js';
import { makeTestCertificates, type TestCertificates } from '../../support/test-ca.js';

function tlsHandshake(port: number, options: { ca: string; cert?: string; key?: string }): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca: readFileSync(options.ca),
      ...(options.cert && options.key ? { cert: readFileSync(options.cert), key: readFileSync(options.key) } : {}),
    });
    socket.setTimeout(3000, () => { socket.destroy(); resolve('timeout'); });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.once('secureConnect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => { socket.destroy(); resolve(data.toString().trim()); });
    socket.once('end', () => resolve('closed'));
  });
}

describe('TLS test rig', () => {
  let certificates: TestCertificates;
  let redisMutual: RedisServerHandle;
  let influx: InfluxDBServerHandle;

  before(async () => {
    certificates = makeTestCertificates();
    redisMutual = await startRedisServer({ tls: { certificates, authClients: true } });
    influx = await startInfluxDB({ tls: certificates });
  });

  after(async () => {
    await redisMutual?.dispose();
    await influx?.dispose();
    certificates?.dispose();
  });

  it('redis-server with client certificates answers a client that has one, not one without', async () => {
    assert.equal(redisMutual.url.startsWith('rediss://'), true);
    assert.equal(await tlsHandshake(redisMutual.port, {
      ca: certificates.caFile, cert: certificates.clientCertFile, key: certificates.clientKeyFile,
    }), '+PONG');
    assert.notEqual(await tlsHandshake(redisMutual.port, { ca: certificates.caFile }), '+PONG');
  });

  it('a client that does not trust the test CA fails the handshake', async () => {
    assert.equal(await tlsHandshake(redisMutual.port, {
      ca: certificates.otherCaFile, cert: certificates.clientCertFile, key: certificates.clientKeyFile,
    }), 'SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('influxd serves HTTPS with the test certificate', async () => {
    assert.equal(influx.url.startsWith('https://'), true);
    await influx.createDatabase('rig');
    const status = await new Promise<number>((resolve, reject) => {
      request(`${influx.url}/ping`, { ca: readFileSync(certificates.caFile) }, (res) => { res.resume(); resolve(res.statusCode ?? 0); })
        .on('error', reject)
        .end();
    });
    assert.equal(status, 204);
  });
});
