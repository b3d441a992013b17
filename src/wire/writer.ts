/** Bytes per slab: about a hundred typical messages. */
const DEFAULT_SLAB_BYTES = 64 * 1024;

function viewOf(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Writes the decimal digits of a whole number from 0 to 2^31 - 1 at `at`, which has
 * room for ten bytes.
 *
 * @returns The offset after the last digit.
 */
export function writeDigits(bytes: Uint8Array, at: number, n: number): number {
  // int32 arithmetic: a double's `%` is a call to fmod.
  let rest = n | 0;
  let count = 1;
  for (let bound = 10; rest >= bound && count < 10; bound *= 10) count += 1;
  for (let i = at + count - 1; i >= at; i -= 1) {
    const next = (rest / 10) | 0;
    bytes[i] = 0x30 + rest - next * 10;
    rest = next;
  }
  return at + count;
}

/**
 * ASCII text known before any message is written, such as a run of JSON syntax, kept as
 * little-endian 32-bit words for {@link WireWriter.fixed}: a message is mostly such runs of
 * a few bytes, and a store per byte in JS, or a call to `Uint8Array.set`, costs more than
 * the four stores of a typical run.
 */
export class FixedText {
  /** Bytes of the text. */
  readonly length: number;
  /** The text's bytes, four to a word, the last one padded with zeros. */
  readonly words: Uint32Array;

  /** @param text - ASCII text (each character is written as one byte). */
  constructor(text: string) {
    this.length = text.length;
    const bytes = Buffer.alloc((text.length + 3) & ~3);
    bytes.write(text, 'latin1');
    this.words = new Uint32Array(bytes.length / 4);
    for (let i = 0; i < this.words.length; i += 1) this.words[i] = bytes.readUInt32LE(i * 4);
  }
}

/**
 * Writes messages as bytes, one after another, into large slabs, and hands out each
 * finished message as a view of its slab. Bytes once handed out are never written
 * again: a full slab is left to its views (and the garbage collector) and writing goes
 * on in a new one. So encoding a message allocates nothing but its view, where building
 * a string would allocate every piece and then copy them all again to write a socket.
 *
 * Writers are synchronous and not re-entrant: one message at a time, from `begin()` to
 * `finish()`. Primitives that know their size call {@link reserve} once and then store
 * into {@link bytes} from {@link pos} directly.
 */
export class WireWriter {
  /** The slab being written; replaced by {@link reserve} when full. */
  bytes: Buffer;
  /** {@link bytes} as a DataView, for writing several bytes in one store. */
  view: DataView;
  /** Where the next byte goes in {@link bytes}. */
  pos = 0;
  private start = 0;

  /** @param slabBytes - Size of each slab (a longer message gets a slab of its own). */
  constructor(private readonly slabBytes = DEFAULT_SLAB_BYTES) {
    this.bytes = Buffer.allocUnsafeSlow(slabBytes);
    this.view = viewOf(this.bytes);
  }

  /** Bytes of the current message so far. */
  get written(): number {
    return this.pos - this.start;
  }

  /** Starts a message, discarding any unfinished one (say, one whose encoding threw). */
  begin(): void {
    this.pos = this.start;
  }

  /** Makes room for `count` more bytes of the current message at {@link pos}. */
  reserve(count: number): void {
    if (this.pos + count <= this.bytes.length) return;
    const written = this.pos - this.start;
    const next = Buffer.allocUnsafeSlow(Math.max(this.slabBytes, 2 * (written + count)));
    this.bytes.copy(next, 0, this.start, this.pos);
    this.bytes = next;
    this.view = viewOf(next);
    this.start = 0;
    this.pos = written;
  }

  /** Appends text known to be ASCII (a fragment of JSON syntax, digits). */
  ascii(text: string): void {
    const length = text.length;
    this.reserve(length);
    const bytes = this.bytes;
    let pos = this.pos;
    for (let i = 0; i < length; i += 1) bytes[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }

  /** Appends text known before the message (JSON syntax, a unit, a format), four bytes a store. */
  fixed(text: FixedText): void {
    const words = text.words;
    // The last word may run up to three bytes past the text: room for them too. What
    // they overwrite lies past the message, where the next bytes go.
    this.reserve(words.length * 4);
    const view = this.view;
    const pos = this.pos;
    for (let i = 0; i < words.length; i += 1) view.setUint32(pos + i * 4, words[i] as number, true);
    this.pos = pos + text.length;
  }

  /** Appends the decimal digits of a whole number >= 0. */
  digits(n: number): void {
    if (!(n <= 0x7fffffff)) {
      this.ascii(String(n));
      return;
    }
    this.reserve(10);
    this.pos = writeDigits(this.bytes, this.pos, n);
  }

  /** Ends the message: its bytes, as a view that stays valid for as long as it is held. */
  finish(): Buffer {
    const view = this.bytes.subarray(this.start, this.pos);
    this.start = this.pos;
    return view;
  }

  /** Ends the message as text (each byte one character) and reuses its bytes for the next. */
  finishText(): string {
    const text = this.bytes.toString('latin1', this.start, this.pos);
    this.pos = this.start;
    // Do not keep a slab grown for one huge message.
    if (this.bytes.length > this.slabBytes) {
      this.bytes = Buffer.allocUnsafeSlow(this.slabBytes);
      this.view = viewOf(this.bytes);
      this.start = 0;
      this.pos = 0;
    }
    return text;
  }
}
