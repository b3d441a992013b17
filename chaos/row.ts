/** One line of the chaos table: what a scenario sent, what arrived, and why anything differs. */
export interface Row {
  readonly scenario: string;
  /** Messages the apps sent (`send()` calls), good ones only. */
  readonly sent: number;
  /** Distinct messages stored in the row's database (InfluxDB or PostgreSQL). */
  readonly stored: number;
  /** Missing with no counted cause (must be 0). */
  readonly lost: number;
  /** Stored more than once (must be 0). */
  readonly doubled: number;
  /** Publishes beyond one per stored message, from the agents' own count (a publish an agent died in is not in it). */
  readonly republished: number;
  /**
   * Points InfluxDB accepted beyond one per stored point (every write, seen by the proxy
   * in front of it); undefined for PostgreSQL, which drops a row written again at its
   * unique key without a trace.
   */
  readonly rewritten: number | undefined;
  /** Messages in publish attempts that failed (timeouts among them may have been written all the same). */
  readonly failedAttempts: number;
  /** Records in the dead-letter list (the bad messages injected, each with a reason). */
  readonly deadLettered: number;
  /** Dropped by an app's full buffer, counted by the client (scenario 8). */
  readonly dropped: number;
  /**
   * Of those, stored all the same: the write had reached Redis but its acknowledgement
   * was lost, and the client later dropped its retry. Allowed; never lost or doubled.
   */
  readonly droppedStored: number;
  /** Acknowledged by Redis, then lost by a redis-server SIGKILL under `appendfsync everysec`: a Redis-side limit. */
  readonly redisLost: number;
  /** From the end of the last fault (and of sending) until everything was stored, seconds. */
  readonly drainSeconds: number;
  /** Why the re-publishes happened, and other figures of the scenario. */
  readonly notes: readonly string[];
  /** Every broken promise found; empty when the row passes. */
  readonly failures: readonly string[];
}

const COLUMNS: readonly [string, (row: Row) => string][] = [
  ['scenario', (r) => r.scenario],
  ['sent', (r) => String(r.sent)],
  ['stored', (r) => String(r.stored)],
  ['lost', (r) => String(r.lost)],
  ['doubled', (r) => String(r.doubled)],
  ['re-published', (r) => String(r.republished)],
  ['re-written', (r) => (r.rewritten === undefined ? '-' : String(r.rewritten))],
  ['failed attempts', (r) => String(r.failedAttempts)],
  ['dead-lettered', (r) => String(r.deadLettered)],
  ['dropped (counted)', (r) => String(r.dropped)],
  ['redis-lost (limit)', (r) => String(r.redisLost)],
  ['drain s', (r) => r.drainSeconds.toFixed(1)],
  ['ok', (r) => (r.failures.length === 0 ? 'yes' : 'NO')],
];

/** The rows as a Markdown table, then each row's notes and failures. */
export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((row) => COLUMNS.map(([, cell]) => cell(row)));
  const widths = COLUMNS.map(([title], i) => Math.max(title.length, ...cells.map((line) => (line[i] ?? '').length)));
  const line = (values: readonly string[]): string =>
    `| ${values.map((value, i) => (i === 0 ? value.padEnd(widths[i] ?? 0) : value.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const out = [
    line(COLUMNS.map(([title]) => title)),
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...cells.map(line),
    '',
  ];
  for (const row of rows) {
    out.push(`- ${row.scenario}: ${row.notes.join('; ')}`);
    for (const failure of row.failures) out.push(`  - FAILED: ${failure}`);
  }
  return out.join('\n');
}
