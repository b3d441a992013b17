// The CI-sized chaos suite on the Redis Streams channel, part 1 of 6: agent kills, InfluxDB down, Redis restarts, InfluxDB slow (see chaos-short-rows.ts).
import { chaosShortRows } from './chaos-short-rows.js';

chaosShortRows(1, 'redis-streams');
