import { fileURLToPath } from 'node:url';
import { REPORT_PREFIX, type AppConfig, type AppReport } from '../app/app-config.js';
import { parseLogLine } from '../../test/support/log-line.js';
import { NodeChild } from '../../test/support/node-child.js';

const APP_SCRIPT = fileURLToPath(new URL('../app/app.js', import.meta.url));

/** A running chaos app process (see chaos/app/app.ts). */
export class AppProcess {
  /** Warnings the client logged about its buffer overflowing, with the counts they gave. */
  readonly overflowWarnings: { dropped: number; droppedTotal: number }[] = [];
  private report: AppReport | undefined;
  private readonly child: NodeChild;

  constructor(readonly config: AppConfig) {
    this.child = new NodeChild([APP_SCRIPT], { CHAOS_APP: JSON.stringify(config) }, (line) => this.onLine(line));
  }

  private onLine(line: string): void {
    if (line.startsWith(REPORT_PREFIX)) {
      this.report = JSON.parse(line.slice(REPORT_PREFIX.length)) as AppReport;
      return;
    }
    const log = parseLogLine(line);
    if (log && typeof log['dropped'] === 'number') {
      this.overflowWarnings.push({ dropped: log['dropped'], droppedTotal: Number(log['droppedTotal'] ?? 0) });
    }
  }

  /** Asks the app to stop sending (SIGTERM), waits for its report. */
  async stop(): Promise<AppReport> {
    await this.child.stop('SIGTERM');
    return this.result();
  }

  /** Waits for an app given a `count` to finish on its own, and returns its report. */
  async finished(): Promise<AppReport> {
    await this.child.exited;
    return this.result();
  }

  private result(): AppReport {
    if (!this.report) throw new Error(`app ${this.config.name} ended without a report\n${this.child.describe()}`);
    return this.report;
  }

  /** Kills it if it still runs (cleanup). */
  async dispose(): Promise<void> {
    await this.child.stop('SIGKILL');
  }
}
