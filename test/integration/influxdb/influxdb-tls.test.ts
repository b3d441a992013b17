// The InfluxDB publisher over https against a real influxd (https-enabled) whose
// certificate a CA made by the test rig signed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { ConfigurationError } from '../../../src/errors/configuration-error.js';
import { TransientPublishError } from '../../../src/errors/publish-error.js';
import { createLogger } from '../../../src/logging/logger.js';
import { DEFAULT_TIMESTAMP_FORMAT, type Metrics } from '../../../src/metrics/metrics.js';
import { InfluxDBPublisher } from '../../../src/publishers/influxdb/influxdb-publisher.js';
import { startInfluxDB, uniqueDatabase, type InfluxDBServerHandle } from '../../support/influxdb-server.js';
import { makeTestCertificates, type TestCertificates } from '../../support/test-ca.js';

function counter(name: string): Metrics {
  const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, { host: 'web-01' });
  collector.addCount(name, 1);
  return collector.close();
}

describe('InfluxDB publisher over https (real influxd, private CA)', () => {
  let certificates: TestCertificates;
  let server: InfluxDBServerHandle;
  let database: string;

  before(async () => {
    certificates = makeTestCertificates();
    server = await startInfluxDB({ tls: certificates });
    database = uniqueDatabase('tls');
    await server.createDatabase(database);
  });
  after(async () => {
    await server?.dispose();
    certificates?.dispose();
  });

  test('writes with ca (and with servername naming the certificate)', async () => {
    const message = counter('overHttps');
    for (const extra of [{}, { servername: certificates.serverAltName }]) {
      const publisher = new InfluxDBPublisher({ args: { url: server.url, database, ca: certificates.caFile, ...extra }, logger: createLogger({ level: 'silent' }) });
      try {
        assert.deepEqual(await publisher.publish([message]), { rejected: [] });
      } finally {
        await publisher.close();
      }
    }
    const result = await server.query('SELECT COUNT(value) FROM "overHttps"', database);
    assert.equal(Number(result.results[0]?.series?.[0]?.values?.[0]?.[1] ?? 0), 1, 'one point (the republish is idempotent)');
  });

  test('an unknown CA is held (transient), with the certificate error and the fix, in the error and the log', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    for (const ca of [certificates.otherCaFile, undefined]) {
      const publisher = new InfluxDBPublisher({ args: { url: server.url, database, ...(ca ? { ca } : {}) }, logger });
      try {
        await assert.rejects(publisher.publish([counter('neverStored')]), (error: unknown) => {
          assert.ok(error instanceof TransientPublishError, `held, not rejected: ${String(error)}`);
          assert.match(error.message, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN/);
          assert.match(error.message, /fix: set ca in AGENT_PUBLISHER_ARGS/);
          return true;
        });
      } finally {
        await publisher.close();
      }
    }
    assert.ok(lines.some((line) => /fix: set ca in AGENT_PUBLISHER_ARGS/.test(line)), lines.join(''));
  });

  test('a servername the certificate does not hold fails with the reason and the fix', async () => {
    const publisher = new InfluxDBPublisher({ args: { url: server.url, database, ca: certificates.caFile, servername: 'not-in-the-certificate.example' }, logger: createLogger({ level: 'silent' }) });
    try {
      await assert.rejects(publisher.publish([counter('neverStored')]), /ERR_TLS_CERT_ALTNAME_INVALID.*servername/);
    } finally {
      await publisher.close();
    }
  });

  test('an unreadable ca, or TLS arguments over http, fail at construction naming the argument', () => {
    assert.throws(
      () => new InfluxDBPublisher({ args: { url: server.url, ca: '/nonexistent/ca.pem' } }),
      (error: unknown) => error instanceof ConfigurationError && /argument ca .*"\/nonexistent\/ca\.pem" \(ENOENT\)/.test(error.message),
    );
    assert.throws(
      () => new InfluxDBPublisher({ args: { url: server.url.replace('https:', 'http:'), ca: certificates.caFile } }),
      (error: unknown) => error instanceof ConfigurationError && /needs TLS, which is off: use an https:\/\/ url or set ssl: true/.test(error.message),
    );
  });
});

describe('InfluxDB publisher connection failures', () => {
  test('a refused connection names the URL without its credentials, and the fix', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    const publisher = new InfluxDBPublisher({ args: { url: 'http://admin:S3CRET-influx@127.0.0.1:1', database: 'x' }, logger });
    try {
      await assert.rejects(publisher.publish([counter('neverStored')]), (error: unknown) => {
        assert.ok(error instanceof TransientPublishError);
        assert.match(error.message, /http:\/\/127\.0\.0\.1:1 .*ECONNREFUSED.*fix: start InfluxDB, or fix host and port \(or url\)/);
        assert.doesNotMatch(error.message, /S3CRET-influx/);
        return true;
      });
    } finally {
      await publisher.close();
    }
    assert.ok(lines.length > 0);
    assert.doesNotMatch(lines.join(''), /S3CRET-influx/);
  });
});
