import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatValue } from '../../../src/config/format-value.js';

describe('formatValue', () => {
  it('renders values JSON-like, strings quoted', () => {
    assert.equal(formatValue('three'), '"three"');
    assert.equal(formatValue(3), '3');
    assert.equal(formatValue(NaN), 'NaN');
    assert.equal(formatValue(-Infinity), '-Infinity');
    assert.equal(formatValue(10n), '10n');
    assert.equal(formatValue(undefined), 'undefined');
    assert.equal(formatValue(null), 'null');
    assert.equal(formatValue({ port: 1, big: 2n }), '{"port":1,"big":"2n"}');
    assert.equal(formatValue(new Map()), '[object Map]');
    assert.equal(formatValue(function named() {}), '[function named]');
  });

  it('truncates to 80 characters', () => {
    const text = formatValue('x'.repeat(200));
    assert.equal(text.length, 80);
    assert.ok(text.startsWith('"xxx') && text.endsWith('…'));
  });

  it('copes with cycles', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(formatValue(cyclic), '[object Object]');
  });

  it('redacts credentials', () => {
    assert.equal(formatValue('hunter2', 'password'), '[redacted]');
    assert.equal(formatValue({ host: 'h', password: 'hunter2' }), '{"host":"h","password":"[redacted]"}');
    assert.equal(formatValue('redis://me:hunter2@host:6379/0'), '"redis://me:[redacted]@host:6379/0"');
    const malformed = formatValue('{"host": "h", "password": "hunter2"');
    assert.doesNotMatch(malformed, /hunter2/);
    assert.doesNotMatch(formatValue('token=hunter2 host=h'), /hunter2/);
  });
});
