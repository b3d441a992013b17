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
}
