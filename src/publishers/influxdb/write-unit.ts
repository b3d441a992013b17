/** Lines of line protocol that belong to one message of a batch (all or part of them). */
export interface WriteUnit {
  /** Index of the message in the batch. */
  readonly index: number;
  readonly lines: readonly string[];
}

/**
 * Groups units into requests of at most `maxLines` lines each, in order; a unit is never
 * split here, so a message larger than `maxLines` goes alone in a request.
 */
export function groupUnits(units: readonly WriteUnit[], maxLines: number): WriteUnit[][] {
  const groups: WriteUnit[][] = [];
  let current: WriteUnit[] = [];
  let lines = 0;
  for (const unit of units) {
    if (current.length > 0 && lines + unit.lines.length > maxLines) {
      groups.push(current);
      current = [];
      lines = 0;
    }
    current.push(unit);
    lines += unit.lines.length;
  }
  if (current.length > 0) groups.push(current);
  return groups;
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
