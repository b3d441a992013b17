import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskConfiguration } from '../../../../../src/config/mask-configuration.js';
import { resolveAgentConfiguration } from '../../../../../src/config/agent-configuration.js';
import { ConfigurationError } from '../../../../../src/errors/configuration-error.js';
import { parsePublisherArgs } from '../../../../../src/publishers/publisher-types.js';

function refused(args: Record<string, unknown>, pattern: RegExp): void {
  assert.throws(
    () => parsePublisherArgs('prometheus', args),
    (error: unknown) => {
      assert.ok(error instanceof ConfigurationError, String(error));
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('remote-write arguments of the prometheus publisher', () => {
  it('default to no remote write, every 15 s, no labels', () => {
    const args = parsePublisherArgs('prometheus', {});
    assert.deepEqual([args.remote_write, args.remote_write_interval, args.remote_write_labels], [[], 15, {}]);
  });

  it('refuse a bad receiver naming the argument and what to change', () => {
    refused({ remote_write: [{ url: 'ftp://host/write' }] }, /remote_write\.0\.url.*must be an http:\/\/ or https:\/\/ URL/s);
    refused({ remote_write: [{ url: 'http://user:pw@host/write' }] }, /must not carry credentials/);
    refused({ remote_write: [{ url: 'http://host/write', bearer_token: 't', username: 'u' }] }, /either bearer_token or username and password/);
    refused({ remote_write: [{ url: 'http://host/write', password: 'p' }] }, /a password needs its username/);
    refused({ remote_write: [{ url: 'http://host/write', headers: { Authorization: 'Bearer x' } }] }, /headers.* must leave out authorization.*bearer_token/);
    refused({ remote_write: [{ url: 'http://host/write', tls: true }] }, /tls/);
    refused({ remote_write_labels: { __name__: 'x' } }, /remote_write_labels.* must have Prometheus label names as keys/);
    refused({ remote_write_labels: { job: '' } }, /remote_write_labels\.job.* must be a non-empty string/);
    refused({ remote_write_interval: 0 }, /remote_write_interval/);
  });

  it('are shown with every credential masked, the urls kept', () => {
    const configuration = resolveAgentConfiguration(
      {
        AGENT_PUBLISHER_TYPE: 'prometheus',
        AGENT_PUBLISHER_ARGS: {
          remote_write: [
            { url: 'https://a.example/api/v1/write', username: 'u', password: 'pass-secret' },
            { url: 'https://b.example/api/v1/write', bearer_token: 'token-secret', headers: { 'X-Scope-OrgID': 'tenant-secret' } },
          ],
        },
      },
      {},
    );
    const shown = JSON.stringify(maskConfiguration('agent', configuration));
    for (const secret of ['pass-secret', 'token-secret', 'tenant-secret']) assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
    assert.ok(shown.includes('https://a.example/api/v1/write') && shown.includes('"username":"u"'), shown);
    assert.ok(shown.includes('"X-Scope-OrgID":"[redacted]"'), shown);
  });
});
