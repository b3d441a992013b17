import type { ScenarioRun } from '../scenario-run.js';
import type { PostgresEnvironment } from '../support/environment.js';

/** The PostgreSQL a row with `store: 'postgres'` runs against (the suite starts it before the row). */
export function postgresOf(run: ScenarioRun): PostgresEnvironment {
  const { postgres } = run.env;
  if (postgres === undefined) throw new Error(`${run.name}: PostgreSQL was not started (the scenario must say store: 'postgres')`);
  return postgres;
}
