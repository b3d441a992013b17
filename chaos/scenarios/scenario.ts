import type { ScenarioRun } from '../scenario-run.js';
import type { ChaosStoreType } from '../support/chaos-store.js';

/** One chaos scenario: what it does to the pipeline while apps send. */
export interface Scenario {
  /** Short key for `--only` (e.g. `1`, `all`). */
  readonly key: string;
  /** The row's name in the table. */
  readonly title: string;
  /** The database its agents publish into (default `influxdb`). */
  readonly store?: ChaosStoreType;
  /** Drives apps, agents and faults; `run.finish()` (called by the runner) reconciles. */
  run(run: ScenarioRun): Promise<void>;
}
