import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatValue } from '../../../src/config/format-value.js';

describe('formatValue', () => {
  it('renders scalars as written, strings given for a name quoted, containers by shape', () => {
    assert.equal(formatValue('three', 'AGENT_TYPE'), '"three"');
    assert.equal(formatValue(3), '3');
    assert.equal(formatValue(NaN), 'NaN');
    assert.equal(formatValue(-Infinity), '-Infinity');
    assert.equal(formatValue(10n), '10n');
    assert.equal(formatValue(undefined), 'undefined');
    assert.equal(formatValue(null), 'null');
    assert.equal(formatValue({ port: 1, big: 2n }), '{"port": …, "big": …}');
    assert.equal(formatValue([1, 'x']), 'an array of 2 items');
    assert.equal(formatValue(new Map()), '[object Map]');
    assert.equal(formatValue(function named() {}), '[function named]');
  });

  it('truncates to 80 characters', () => {
    const text = formatValue('x'.repeat(200), 'host');
    assert.equal(text.length, 80);
    assert.ok(text.startsWith('"xxx') && text.endsWith('…'));
  });

  it('copes with cycles', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(formatValue(cyclic), '{"self": …}');
  });

  it('never shows a credential: by name (near misses too), inside URLs, inside containers, unnamed strings', () => {
    for (const name of ['password', 'pasword', 'passwd', 'pwd', 'token', 'tokn', 'api_key', 'apiKey', 'secret', 'secert', 'auth', 'Authorization', 'credentials', 'db_password']) {
      assert.equal(formatValue('hunter2', name), '[redacted]', name);
      assert.equal(formatValue(12345678, name), '[redacted]', name);
    }
    assert.equal(formatValue('redis://me:hunter2@host:6379/0', 'url'), '"redis://me:[redacted]@host:6379/0"');
    assert.doesNotMatch(formatValue('{"host": "h", "password": "hunter2"', 'host'), /hunter2/);
    assert.doesNotMatch(formatValue('token=hunter2 host=h', 'host'), /hunter2/);
    assert.doesNotMatch(formatValue({ host: 'h', pasword: 'hunter2' }), /hunter2/);
    assert.doesNotMatch(formatValue(['hunter2']), /hunter2/);
    assert.equal(formatValue('hunter2'), 'a string of 7 characters');
  });

  it('shows the values of Kadabra\'s own *_key arguments', () => {
    assert.equal(formatValue(5, 'queue_key'), '5');
    assert.equal(formatValue('x', 'dead_key'), '"x"');
  });
});
