/** Lines of line protocol that belong to one message of a batch (all or part of them). */
export interface WriteUnit {
  /** Index of the message in the batch. */
  readonly index: number;
  readonly lines: readonly string[];
}

/**
 * Groups units into requests of at most `maxLines` lines each, in order, as they come (a
 * group is yielded as soon as it is full, so the next can be made while it is written);
 * a unit is never split here, so a message larger than `maxLines` goes alone in a request.
 */
export function* groupUnits(units: Iterable<WriteUnit>, maxLines: number): Generator<WriteUnit[]> {
  let current: WriteUnit[] = [];
  let lines = 0;
  for (const unit of units) {
    if (current.length > 0 && lines + unit.lines.length > maxLines) {
      yield current;
      current = [];
      lines = 0;
    }
    current.push(unit);
    lines += unit.lines.length;
  }
  if (current.length > 0) yield current;
}

/** Splits a group that InfluxDB refused in two halves: by message, else by lines of its one message. */
export function halve(group: readonly WriteUnit[]): [WriteUnit[], WriteUnit[]] | undefined {
  if (group.length > 1) {
    const middle = Math.ceil(group.length / 2);
    return [group.slice(0, middle), group.slice(middle)];
  }
  const only = group[0];
  if (only === undefined || only.lines.length < 2) return undefined;
  const middle = Math.ceil(only.lines.length / 2);
  return [[{ index: only.index, lines: only.lines.slice(0, middle) }], [{ index: only.index, lines: only.lines.slice(middle) }]];
}
