import type { ScenarioRun } from '../scenario-run.js';
import type { ChaosChannel, ChaosChannelType } from '../support/chaos-channel.js';
import type { ChaosStoreType } from '../support/chaos-store.js';

/** One chaos scenario: what it does to the pipeline while apps send. */
export interface Scenario {
  /** Short key for `--only` (e.g. `1`, `all`). */
  readonly key: string;
  /** The row's name in the table. */
  readonly title: string;
  /** The database its agents publish into (default `influxdb`). */
  readonly store?: ChaosStoreType;
  /** The channel types it runs on (default: every one). */
  readonly channelTypes?: readonly ChaosChannelType[];
  /** Starts the row's own channel (default: one on the shared redis-server); disposed with the row. */
  channel?(): Promise<ChaosChannel>;
  /** Drives apps, agents and faults; `run.finish()` (called by the runner) reconciles. */
  run(run: ScenarioRun): Promise<void>;
}
