import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_METADATA, frozenMetadata } from '../../../src/metrics/metadata.js';
import { readMetadata } from '../../../src/metrics/read-serialized.js';

describe('empty metadata', () => {
  it('is one shared frozen object, whether made by the client or read from the wire', () => {
    assert.equal(readMetadata({}, 'counters[0]'), NO_METADATA);
    assert.equal(readMetadata({ metadata: null }, 'counters[0]'), NO_METADATA);
    assert.equal(readMetadata({ metadata: {} }, 'counters[0]'), NO_METADATA);
    assert.equal(frozenMetadata(NO_METADATA), NO_METADATA);
    assert.ok(Object.isFrozen(NO_METADATA));
  });
});
