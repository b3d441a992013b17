import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHANNEL_TYPES } from '../../../src/channels/channel-types.js';
import { CONFIG_KEYS, CONFIG_KEY_NAMES, resolveAgentConfiguration } from '../../../src/config/index.js';
import { jsonSchemaOf } from '../../../src/config/describe-schema.js';
import { maskConfiguration } from '../../../src/config/mask-configuration.js';
import { maskUrlCredentials, secretKindOf } from '../../../src/config/secret-setting.js';
import { isSecretName } from '../../../src/logging/redact-secrets.js';
import { PUBLISHER_TYPES } from '../../../src/publishers/publisher-types.js';

const SECRETS = ['redis-pw-41c9', 'influx-pw-77de', 'influx-token-2b1a', 'http-token-90fe', 'url-pw-3c5d', 'url-token-8e2f'];

describe('maskConfiguration', () => {
  it('masks every credential of an agent configuration and shows everything else', () => {
    const configuration = resolveAgentConfiguration(
      {
        AGENT_CHANNEL_ARGS: { url: 'redis://agent:url-pw-3c5d@redis.internal:6380/2', password: 'redis-pw-41c9', queue_key: 'q' },
        AGENT_PUBLISHER_TYPE: 'influxdb',
        AGENT_PUBLISHER_ARGS: { url: 'https://url-token-8e2f@influx.internal/prefix', password: 'influx-pw-77de', token: 'influx-token-2b1a', username: 'writer' },
        AGENT_HTTP_TOKEN: 'http-token-90fe',
        AGENT_HTTP_PORT: 9100,
      },
      {},
    );
    const shown = maskConfiguration('agent', configuration);
    const text = JSON.stringify(shown);
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} in ${text}`);
    assert.deepEqual(Object.keys(shown), CONFIG_KEY_NAMES.filter((name) => CONFIG_KEYS[name].side === 'agent'));
    const channel = shown['AGENT_CHANNEL_ARGS'] as Record<string, unknown>;
    const publisher = shown['AGENT_PUBLISHER_ARGS'] as Record<string, unknown>;
    assert.equal(channel['url'], 'redis://agent:[redacted]@redis.internal:6380/2');
    assert.equal(channel['password'], '[redacted]');
    assert.equal(channel['queue_key'], 'q');
    assert.equal(publisher['url'], 'https://[redacted]@influx.internal/prefix');
    assert.deepEqual([publisher['password'], publisher['token'], publisher['username']], ['[redacted]', '[redacted]', 'writer']);
    assert.equal(shown['AGENT_HTTP_TOKEN'], '[redacted]');
    assert.equal(shown['AGENT_HTTP_PORT'], 9100);
  });

  it('masks whole an argument no schema describes (of a type it does not know)', () => {
    const shown = maskConfiguration('agent', { AGENT_CHANNEL_TYPE: 'elsewhere', AGENT_CHANNEL_ARGS: { host: 'h', secret_sauce: 'x' } });
    assert.deepEqual(shown['AGENT_CHANNEL_ARGS'], { host: '[redacted]', secret_sauce: '[redacted]' });
  });

  it('shows an unset credential as unset (null), not as a masked value', () => {
    const shown = maskConfiguration('agent', resolveAgentConfiguration({}, {}));
    assert.equal(shown['AGENT_HTTP_TOKEN'], null);
    assert.equal((shown['AGENT_CHANNEL_ARGS'] as Record<string, unknown>)['password'], undefined);
  });
});

describe('secret marks on the schemas', () => {
  it('mark every setting the log redaction takes for a credential by its name, and every URL', () => {
    const unmarked: string[] = [];
    const check = (where: string, name: string, kind: string | undefined): void => {
      if (isSecretName(name) && kind !== 'value') unmarked.push(`${where}${name}`);
      if (name === 'url' && kind !== 'url-credentials') unmarked.push(`${where}${name} (a URL)`);
    };
    for (const name of CONFIG_KEY_NAMES) check('', name, secretKindOf(jsonSchemaOf(CONFIG_KEYS[name].schema)));
    for (const [kind, registry] of [['channel', CHANNEL_TYPES], ['publisher', PUBLISHER_TYPES]] as const) {
      for (const [type, spec] of Object.entries(registry)) {
        for (const [name, node] of Object.entries(jsonSchemaOf(spec.schema).properties ?? {})) {
          check(`${kind} ${type}: `, name, typeof node === 'object' ? secretKindOf(node) : undefined);
        }
      }
    }
    assert.deepEqual(unmarked, []);
  });
});

describe('maskUrlCredentials', () => {
  it('masks the password of user:password@, the whole user information without one, nothing else', () => {
    assert.equal(maskUrlCredentials('redis://u:p@h:1/0'), 'redis://u:[redacted]@h:1/0');
    assert.equal(maskUrlCredentials('redis://:p@h'), 'redis://:[redacted]@h');
    assert.equal(maskUrlCredentials('https://tok@h/x'), 'https://[redacted]@h/x');
    assert.equal(maskUrlCredentials('https://h:8086/a@b'), 'https://h:8086/a@b');
    assert.equal(maskUrlCredentials('http://h'), 'http://h');
  });
});
