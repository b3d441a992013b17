import { Command } from 'ioredis';
import { writeDigits } from '../../wire/writer.js';
import { encodedBytes, type EncodedMessage } from '../encoded-message.js';

// Room for `$<length>\r\n` and the closing `\r\n` around an argument, at most.
const FRAMING_BYTES = 16;
/** Largest buffer kept for the next command: a batch of big messages does not pin its memory. */
const MAX_SPARE_BYTES = 8 * 1024 * 1024;

/**
 * An ioredis command written as a frame built beforehand. ioredis would frame each
 * argument itself, measuring every string with `Buffer.byteLength` and building the
 * whole command as one string that the socket then encodes again: for a batch of a
 * thousand messages that was a quarter of the sending process's CPU.
 */
class PreframedCommand extends Command {
  constructor(
    name: string,
    args: readonly string[],
    readonly frame: Buffer,
    readonly buffer: Buffer,
  ) {
    // The arguments before the messages: what ioredis reads of a command (its keys, by
    // which a cluster client routes it; debug output).
    super(name, [...args]);
  }

  override toWritable(): Buffer {
    return this.frame;
  }
}

/**
 * Builds commands whose last arguments are a batch of messages (`LPUSH key message...`,
 * `EVAL script 1 key message...`), each as one RESP frame that ioredis writes like any
 * other command. A frame of a thousand messages is most of a megabyte: the buffer of a
 * command that was acknowledged is used again for the next, instead of fresh memory the
 * kernel must map page by page.
 */
export class BulkCommands {
  private spare: Buffer | undefined;

  /**
   * @param name - The command's name, as ioredis knows it (`lpush`, `eval`).
   * @param head - The arguments before the messages, the command's name first, for a key
   *   (unused by a caller that passes them to `createWith`).
   */
  constructor(
    private readonly name: string,
    private readonly head: (key: string) => readonly string[] = (key) => [name.toUpperCase(), key],
  ) {}

  /**
   * @param key - The key the command writes.
   * @param messages - At least one message; bytes are framed as they are, text as UTF-8.
   */
  create(key: string, messages: readonly EncodedMessage[]): Command {
    return this.createWith(this.head(key), messages);
  }

  /**
   * @param command - The arguments before the messages, the command's name first (what
   *   `head` would give, for a command whose arguments are not only a key).
   * @param messages - At least one message; bytes are framed as they are, text as UTF-8.
   */
  createWith(command: readonly string[], messages: readonly EncodedMessage[]): Command {
    const head = command.map((arg) => Buffer.from(arg, 'utf8'));
    const bodies = messages.map(encodedBytes);
    let size = FRAMING_BYTES;
    for (const arg of head) size += arg.length + FRAMING_BYTES;
    for (const body of bodies) size += body.length + FRAMING_BYTES;
    // Taken, not shared: a command whose reply has not come may still be being written.
    let buffer = this.spare;
    this.spare = undefined;
    // With room to spare, so that the next batch, a little longer, fits too.
    if (buffer === undefined || buffer.length < size) buffer = Buffer.allocUnsafeSlow(size + (size >> 2));
    buffer[0] = 0x2a; // *
    let pos = writeDigits(buffer, 1, bodies.length + head.length);
    buffer[pos++] = 0x0d;
    buffer[pos++] = 0x0a;
    for (const part of [head, bodies]) {
      for (const body of part) {
        buffer[pos++] = 0x24; // $
        pos = writeDigits(buffer, pos, body.length);
        pos = framed(buffer, pos, body);
      }
    }
    return new PreframedCommand(this.name, command.slice(1), buffer.subarray(0, pos), buffer);
  }

  /** After `command`'s reply: the server has read all of its frame, whose buffer may serve again. */
  acknowledged(command: Command): void {
    if (command instanceof PreframedCommand && command.buffer.length <= MAX_SPARE_BYTES) this.spare = command.buffer;
  }
}

/** `LPUSH key message...` (the first message given is pushed first); the reply is the list's new length. */
export class LpushCommands extends BulkCommands {
  constructor() {
    super('lpush', (key) => ['LPUSH', key]);
  }
}

/** `\r\n<bytes>\r\n` at `pos`; returns the offset after it. */
function framed(buffer: Buffer, pos: number, bytes: Uint8Array): number {
  buffer[pos] = 0x0d;
  buffer[pos + 1] = 0x0a;
  buffer.set(bytes, pos + 2);
  const end = pos + 2 + bytes.length;
  buffer[end] = 0x0d;
  buffer[end + 1] = 0x0a;
  return end + 2;
}
