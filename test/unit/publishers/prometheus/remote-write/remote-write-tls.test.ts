import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigurationError } from '../../../../../src/errors/configuration-error.js';
import { RemoteWriteReceiver } from '../../../../../src/publishers/prometheus/remote-write/remote-write-receiver.js';
import { fakeReceiver } from '../../../../support/fake-remote-write-receiver.js';
import { makeTestCertificates, type TestCertificates } from '../../../../support/test-ca.js';
import { silentLogger, waitFor } from '../../../agent/helpers.js';

describe('a remote-write receiver over https', () => {
  let certificates: TestCertificates;
  before(() => {
    certificates = makeTestCertificates();
  });
  after(() => {
    certificates.dispose();
  });

  it('pushes with the ca to trust and a client certificate', async () => {
    const server = await fakeReceiver(() => 204, {
      certFile: certificates.serverCertFile,
      keyFile: certificates.serverKeyFile,
      clientCaFile: certificates.caFile,
    });
    const receiver = new RemoteWriteReceiver(
      { url: server.url, ca: certificates.caFile, cert: certificates.clientCertFile, key: certificates.clientKeyFile },
      silentLogger(),
    );
    try {
      const controller = new AbortController();
      await receiver.push([Buffer.from([0])], Date.now() + 5000, controller.signal);
      await waitFor(() => server.received.length === 1, 'the push');
      assert.deepEqual(server.received[0]?.series, []);
    } finally {
      receiver.close();
      await server.close();
    }
  });

  it('refuses TLS files on an http:// url, and a file it cannot read, naming the argument', () => {
    const refused = (pattern: RegExp) => (error: unknown) => {
      assert.ok(error instanceof ConfigurationError, String(error));
      assert.match(error.message, pattern);
      return true;
    };
    assert.throws(
      () => new RemoteWriteReceiver({ url: 'http://127.0.0.1:1/api/v1/write', ca: certificates.caFile }, silentLogger()),
      refused(/remote-write receiver argument ca \(in AGENT_PUBLISHER_ARGS\.remote_write\) needs TLS.*https:\/\//),
    );
    assert.throws(
      () => new RemoteWriteReceiver({ url: 'https://127.0.0.1:1/api/v1/write', ca: '/nonexistent/ca.pem' }, silentLogger()),
      refused(/cannot read "\/nonexistent\/ca\.pem"/),
    );
  });
});
