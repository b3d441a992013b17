/** Sizes and timings of one chaos run: the full suite, or the CI-sized `--short` one. */
export interface Profile {
  readonly name: 'full' | 'short';
  /** App processes sending at once. */
  readonly apps: number;
  /** Messages per second per app. */
  readonly ratePerApp: number;
  /** Seconds of steady sending before the first fault, and after the last. */
  readonly calmSeconds: number;
  /** Seconds between the agent SIGKILLs (scenario 1). */
  readonly killIntervalSeconds: number;
  /** How long InfluxDB is down (scenario 2). */
  readonly influxOutageSeconds: number;
  /** How long PostgreSQL is down (scenario p2). */
  readonly postgresOutageSeconds: number;
  /** How long redis-server stays down when stopped (scenarios 3 and 8). */
  readonly redisOutageSeconds: number;
  /** redis-server SIGKILLs in scenario 3. */
  readonly redisKills: number;
  /** How long InfluxDB answers slowly (scenario 4). */
  readonly slowSeconds: number;
  /** The publisher's `timeout`, seconds; slow answers come this plus 2 s late. */
  readonly publisherTimeoutSeconds: number;
  /** Messages in the backlog built while the agent is off (scenario 6). */
  readonly backlog: number;
  /** `CLIENT_BUFFER_MAX_MESSAGES` of the app that overflows (scenario 8). */
  readonly smallBuffer: number;
  /** Nanny frequency and threshold, seconds. */
  readonly nannyFrequencySeconds: number;
  readonly nannyThresholdSeconds: number;
  /** How much worse than a control process an app's p99 event-loop delay may be during a Redis outage, ms. */
  readonly loopDelayLimitMs: number;
  /** How long every write is refused as by a wrong scheme (scenario 9). */
  readonly setupWrongSeconds: number;
  /** How long one tenant sends while its new series are over the database's limit (scenario 10). */
  readonly tenantRefusedSeconds: number;
  /** Longest wait for everything to be stored after the last fault, seconds. */
  readonly drainDeadlineSeconds: number;
}

/** The full suite (`npm run chaos`): the figures (30 s outage, 100,000 backlog). */
export const FULL_PROFILE: Profile = Object.freeze({
  name: 'full',
  apps: 3,
  ratePerApp: 50,
  calmSeconds: 5,
  killIntervalSeconds: 5,
  influxOutageSeconds: 30,
  postgresOutageSeconds: 20,
  redisOutageSeconds: 5,
  redisKills: 3,
  slowSeconds: 20,
  publisherTimeoutSeconds: 5,
  backlog: 100_000,
  smallBuffer: 200,
  nannyFrequencySeconds: 2,
  nannyThresholdSeconds: 10,
  loopDelayLimitMs: 50,
  setupWrongSeconds: 20,
  tenantRefusedSeconds: 10,
  drainDeadlineSeconds: 300,
});

/** The CI-sized run (`--short`, and test/process/chaos): every scenario, small counts, short outages. */
export const SHORT_PROFILE: Profile = Object.freeze({
  name: 'short',
  apps: 2,
  ratePerApp: 40,
  calmSeconds: 1.5,
  killIntervalSeconds: 1.5,
  influxOutageSeconds: 3,
  postgresOutageSeconds: 3,
  redisOutageSeconds: 1.5,
  redisKills: 1,
  slowSeconds: 4,
  publisherTimeoutSeconds: 1.5,
  backlog: 5_000,
  smallBuffer: 30,
  nannyFrequencySeconds: 0.5,
  nannyThresholdSeconds: 3,
  loopDelayLimitMs: 200,
  setupWrongSeconds: 3,
  tenantRefusedSeconds: 3,
  drainDeadlineSeconds: 60,
});
