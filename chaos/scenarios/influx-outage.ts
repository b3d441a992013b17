import { serverOutage } from './server-outage.js';

/** 2. InfluxDB is down (influxd stopped) for `influxOutageSeconds`, then back. */
export const influxOutage = serverOutage({
  key: '2',
  title: '2 InfluxDB down',
  server: 'influxd',
  seconds: (profile) => profile.influxOutageSeconds,
  handle: (run) => run.env.influx,
});
