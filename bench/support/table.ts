import type { BenchRow } from './bench-row.js';

const HEADERS = ['figure', 'ours', 'peer or limit', 'ratio', 'target', 'met'] as const;

function cells(row: BenchRow): string[] {
  const met = row.met === undefined ? '' : row.met ? 'yes' : 'NO';
  return [row.figure, row.ours, row.peer ?? '', row.ratio ?? '', row.target ?? '', met];
}

/** The rows as one aligned plain-text table, grouped by benchmark. */
export function formatTable(rows: readonly BenchRow[]): string {
  const body = rows.map(cells);
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...body.map((line) => (line[column] ?? '').length)),
  );
  const format = (line: readonly string[]): string =>
    line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ').trimEnd();
  const out = [format(HEADERS), widths.map((width) => '-'.repeat(width)).join('-|-')];
  let bench: string | undefined;
  rows.forEach((row, index) => {
    if (bench !== undefined && row.bench !== bench) out.push('');
    bench = row.bench;
    out.push(format(body[index] ?? []));
  });
  return out.join('\n');
}

/** The rows as a Markdown table (for BENCHMARKS.md). */
export function formatMarkdown(rows: readonly BenchRow[]): string {
  // Markdown drops leading spaces: an indented figure (a detail of the row above) gets an arrow.
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|').replace(/^ {2}/, '↳ ');
  const line = (values: readonly string[]): string => `| ${values.map(escape).join(' | ')} |`;
  return [line(['bench', ...HEADERS]), line(['---', ...HEADERS.map(() => '---')]), ...rows.map((row) => line([row.bench, ...cells(row)]))].join('\n');
}
