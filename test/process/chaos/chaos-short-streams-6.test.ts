// The CI-sized chaos suite on the Redis Streams channel, part 6 of 6: a Redis Cluster master SIGKILLed, with and without wait_replicas (see chaos-short-rows.ts; these rows run on redis-streams only).
import { chaosShortRows } from './chaos-short-rows.js';

chaosShortRows(6, 'redis-streams');
