import type { TimestampCodec } from './timestamp-format.js';
import { pyFloat, pyString, writePyFloat, writePyString } from './python-json.js';
import type { Unit } from './unit.js';
import type { WireWriter } from './wire-writer.js';

/** Stands for a variable part in a template's list of fixed inputs. */
const VARIABLE = Symbol('variable part');

/** What a fixed part was written from: a constant's bytes, a name, a unit; or the place of a variable part. */
type FixedInput = Uint8Array | string | Unit | typeof VARIABLE;

// A timer's unit as JSON, the same bytes for every timer in that unit.
const unitJson = new Map<Unit, Uint8Array>();

function unitBytes(unit: Unit): Uint8Array {
  let json = unitJson.get(unit);
  if (json === undefined) {
    const text = '{"name": ' + pyString(unit.name) + ', "seconds_offset": ' + pyFloat(unit.secondsOffset) + '}';
    json = Buffer.from(text, 'latin1');
    // Units are few (the constants in `Units`); anything else is not remembered forever.
    if (unitJson.size < 64) unitJson.set(unit, json);
  }
  return json;
}

/**
 * The fixed bytes of one shape of message, cut where its variable parts go. Messages
 * from one place in an application usually differ only in their variable parts
 * (values, timestamps, dimension and metadata values, `serialized_at`), so their JSON
 * syntax, names, metadata keys and units can be copied as a few whole runs instead of
 * being written piece by piece.
 */
export class MessageTemplate {
  /**
   * @param inputs - What the fixed parts were written from, in order, with the places of the variable parts.
   * @param segments - The bytes before each variable part, and after the last.
   * @param counts - Dimensions, counters and timers of the shape, to rule out most other shapes at a glance.
   */
  constructor(
    readonly inputs: readonly FixedInput[],
    readonly segments: readonly Uint8Array[],
    private readonly counts: readonly [number, number, number],
  ) {}

  /** Whether a message with these numbers of dimensions, counters and timers can have this shape. */
  mayFit(dimensions: number, counters: number, timers: number): boolean {
    const [d, c, t] = this.counts;
    return d === dimensions && c === counters && t === timers;
  }
}

/**
 * Where one message's parts go, in one of three ways:
 * - written out, every part (`plain`);
 * - written out, noting what each fixed part was made from and where each variable
 *   part lies, to make a {@link MessageTemplate} (`plain(true)`, then `templateOf()`);
 * - from a template: each fixed part is compared with the template's input (a mismatch
 *   means the message has another shape: `end()` returns false and what was written
 *   must be discarded) and only the variable parts are written, each after a copy of
 *   the template's segment before it.
 */
export class MessageParts {
  private template: MessageTemplate | undefined;
  private recording = false;
  private readonly inputs: FixedInput[] = [];
  // Offsets from the message's start where each variable part begins and ends.
  private readonly marks: number[] = [];
  private at = 0;
  private segment = 0;
  private fits = true;

  /** @param writer - Where the message is written. */
  constructor(readonly writer: WireWriter) {}

  /** Writes every part; with `record`, also notes what {@link templateOf} needs. */
  plain(record = false): this {
    this.template = undefined;
    this.recording = record;
    // Setting an array's length is a runtime call: only when there is something to drop.
    if (this.inputs.length > 0) this.inputs.length = 0;
    if (this.marks.length > 0) this.marks.length = 0;
    return this;
  }

  /** Writes the variable parts of a message of `template`'s shape, copying its fixed bytes. */
  from(template: MessageTemplate): this {
    this.template = template;
    this.recording = false;
    this.at = 0;
    this.segment = 0;
    this.fits = true;
    return this;
  }

  /** A fixed part: bytes that are the same in every message (JSON syntax). */
  fixed(bytes: Uint8Array): void {
    if (this.fixedInput(bytes)) this.writer.raw(bytes);
  }

  /** A fixed part: a name or key, written as a JSON string. */
  fixedString(text: string): void {
    if (this.fixedInput(text)) writePyString(this.writer, text);
  }

  /** A fixed part: a timer's unit, written as its JSON object. */
  fixedUnit(unit: Unit): void {
    if (this.fixedInput(unit)) this.writer.raw(unitBytes(unit));
  }

  /** A variable part: a string value, written as a JSON string. */
  variableString(text: string): void {
    if (!this.beginVariable()) return;
    writePyString(this.writer, text);
    this.endVariable();
  }

  /** A variable part: a number, written as a Python float. */
  variableFloat(x: number): void {
    if (!this.beginVariable()) return;
    writePyFloat(this.writer, x);
    this.endVariable();
  }

  /** A variable part: a time, written as a JSON string in the message's format. */
  variableTime(codec: TimestampCodec, micros: bigint): void {
    if (!this.beginVariable()) return;
    codec.writeJson(this.writer, micros);
    this.endVariable();
  }

  /** Ends the message. From a template: whether the message had its shape (if not, discard what was written). */
  end(): boolean {
    const template = this.template;
    if (template === undefined) return true;
    if (!this.fits || this.at !== template.inputs.length) return false;
    this.writer.raw(template.segments[this.segment] as Uint8Array);
    return true;
  }

  /** The template of the message just written with `plain(true)`, whose bytes are `message`. */
  templateOf(message: Uint8Array, counts: readonly [number, number, number]): MessageTemplate {
    const own = Buffer.from(message);
    const segments: Uint8Array[] = [];
    let from = 0;
    for (let i = 0; i < this.marks.length; i += 2) {
      segments.push(own.subarray(from, this.marks[i]));
      from = this.marks[i + 1] as number;
    }
    segments.push(own.subarray(from));
    return new MessageTemplate([...this.inputs], segments, counts);
  }

  /** Plain: true (and noted when recording). From a template: whether it matches, so that the caller writes nothing. */
  private fixedInput(input: FixedInput): boolean {
    const template = this.template;
    if (template === undefined) {
      if (this.recording) this.inputs.push(input);
      return true;
    }
    if (this.fits && template.inputs[this.at++] !== input) this.fits = false;
    return false;
  }

  private beginVariable(): boolean {
    const template = this.template;
    if (template === undefined) {
      if (this.recording) {
        this.inputs.push(VARIABLE);
        this.marks.push(this.writer.written);
      }
      return true;
    }
    if (!this.fits || template.inputs[this.at++] !== VARIABLE) {
      this.fits = false;
      return false;
    }
    this.writer.raw(template.segments[this.segment++] as Uint8Array);
    return true;
  }

  private endVariable(): void {
    if (this.recording) this.marks.push(this.writer.written);
  }
}
