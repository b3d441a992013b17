import { postgresOf } from './postgres-of.js';
import { serverOutage } from './server-outage.js';

/**
 * p2. The agent publishes into PostgreSQL, which is down (the postmaster stopped) for
 * `postgresOutageSeconds`, then back: the receivers hold what they took and retry.
 */
export const postgresOutage = serverOutage({
  key: 'p2',
  title: 'p2 PostgreSQL down',
  store: 'postgres',
  server: 'PostgreSQL',
  seconds: (profile) => profile.postgresOutageSeconds,
  handle: (run) => postgresOf(run).server,
});
