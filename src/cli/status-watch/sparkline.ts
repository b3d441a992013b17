/** The eight block heights a sparkline is drawn with, lowest first. */
const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * One character per value, scaled from 0 to the largest value shown: `▁` for 0 (and
 * below), `█` for the largest; a gap (space) where a value is missing (a read failed).
 * Written here rather than taken from `sparkly`, the small package that does it: these
 * few lines would otherwise bring it and its colour library (chalk) into every install of
 * the agent, for a `kadabra status --watch` that needs neither colours nor options.
 */
export function sparkline(values: readonly (number | null)[]): string {
  let top = 0;
  for (const value of values) if (value !== null && value > top) top = value;
  let line = '';
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) line += ' ';
    else if (top === 0 || value <= 0) line += BLOCKS[0];
    else line += BLOCKS[Math.min(BLOCKS.length - 1, Math.floor((value / top) * (BLOCKS.length - 1) + 0.5))];
  }
  return line;
}
