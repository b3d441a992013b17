import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lpushCommand } from '../../../src/channels/redis/lpush-command.js';

function frame(key: string, messages: Parameters<typeof lpushCommand>[1]): string {
  return (lpushCommand(key, messages).toWritable({}) as Buffer).toString('latin1');
}

describe('lpushCommand', () => {
  test('one RESP frame: LPUSH, the key, then each message in the order given', () => {
    assert.equal(frame('q', ['a', 'bc']), '*4\r\n$5\r\nLPUSH\r\n$1\r\nq\r\n$1\r\na\r\n$2\r\nbc\r\n');
  });

  test('lengths count bytes: text as UTF-8, bytes as they are (views at any offset), empty messages', () => {
    const backing = Buffer.from('xxhello');
    const expected = Buffer.concat([
      Buffer.from('*6\r\n$5\r\nLPUSH\r\n$3\r\nq\u00e9\r\n', 'utf8'),
      Buffer.from('$2\r\n\u00e9\r\n', 'utf8'),
      Buffer.from('$5\r\nhello\r\n'),
      Buffer.from('$3\r\n\x00\r\n\r\n', 'latin1'),
      Buffer.from('$0\r\n\r\n'),
    ]);
    const written = lpushCommand('q\u00e9', ['\u00e9', backing.subarray(2), Uint8Array.of(0, 13, 10), '']).toWritable({});
    assert.deepEqual(written, expected);
  });

  test('lengths of ten digits and more are written in full', () => {
    const big = Buffer.alloc(12_345, 0x61);
    assert.ok(frame('q', [big]).startsWith('*3\r\n$5\r\nLPUSH\r\n$1\r\nq\r\n$12345\r\naaa'));
  });
});
