import { readObject, readString } from './read-serialized.js';
import type { SerializedDimension } from './serialized.js';

/**
 * A key-value string pair applied to every counter and timer of a `Metrics`; publishers
 * store dimensions as indexed tags.
 */
export class Dimension {
  /** The dimension's name. */
  readonly name: string;
  /** The dimension's value. */
  readonly value: string;

  constructor(name: string, value: string) {
    this.name = name;
    this.value = value;
    Object.freeze(this);
  }

  /**
   * Serializes this dimension to the wire's dictionary.
   *
   * @returns `{ name, value }`.
   */
  serialize(): SerializedDimension {
    return { name: this.name, value: this.value };
  }

  /**
   * Deserializes a wire dictionary into a dimension.
   *
   * @param value - The decoded dictionary.
   * @param path - Where `value` sits in the message, for error messages.
   * @returns The dimension.
   * @throws WireFormatError when `name` or `value` is missing or not a string.
   */
  static deserialize(value: unknown, path = 'dimension'): Dimension {
    const obj = readObject(value, path);
    return new Dimension(readString(obj, 'name', path), readString(obj, 'value', path));
  }
}
