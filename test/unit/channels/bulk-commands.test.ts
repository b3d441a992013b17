import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LpushCommands } from '../../../src/channels/redis/bulk-commands.js';
import type { EncodedMessage } from '../../../src/channels/encoded-message.js';

function frame(commands: LpushCommands, key: string, messages: readonly EncodedMessage[]): Buffer {
  return commands.create(key, messages).toWritable({}) as Buffer;
}

describe('LpushCommands', () => {
  test('one RESP frame: LPUSH, the key, then each message in the order given', () => {
    assert.equal(frame(new LpushCommands(), 'q', ['a', 'bc']).toString('latin1'), '*4\r\n$5\r\nLPUSH\r\n$1\r\nq\r\n$1\r\na\r\n$2\r\nbc\r\n');
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
    assert.deepEqual(frame(new LpushCommands(), 'q\u00e9', ['\u00e9', backing.subarray(2), Uint8Array.of(0, 13, 10), '']), expected);
  });

  test('lengths of ten digits and more are written in full', () => {
    const big = Buffer.alloc(12_345, 0x61);
    assert.ok(frame(new LpushCommands(), 'q', [big]).toString('latin1').startsWith('*3\r\n$5\r\nLPUSH\r\n$1\r\nq\r\n$12345\r\naaa'));
  });

  test('an acknowledged command lends its buffer to the next; one not acknowledged keeps it', () => {
    const commands = new LpushCommands();
    const long = commands.create('q', ['x'.repeat(100), 'y'.repeat(100)]);
    const pending = frame(commands, 'q', ['p']);
    assert.equal((long.toWritable({}) as Buffer).toString('latin1'), `*4\r\n$5\r\nLPUSH\r\n$1\r\nq\r\n$100\r\n${'x'.repeat(100)}\r\n$100\r\n${'y'.repeat(100)}\r\n`);
    commands.acknowledged(long);
    const short = frame(commands, 'q', ['z']);
    assert.equal(short.toString('latin1'), '*3\r\n$5\r\nLPUSH\r\n$1\r\nq\r\n$1\r\nz\r\n');
    assert.equal(short.buffer, (long.toWritable({}) as Buffer).buffer, 'the acknowledged buffer is reused');
    assert.notEqual(frame(commands, 'q', ['w']).buffer, short.buffer, 'a command in flight keeps its own');
    assert.equal(pending.toString('latin1'), '*3\r\n$5\r\nLPUSH\r\n$1\r\nq\r\n$1\r\np\r\n');
  });
});
