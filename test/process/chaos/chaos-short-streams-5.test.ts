// The CI-sized chaos suite on the Redis Streams channel, part 5: a Redis Cluster master SIGKILLed, with and without wait_replicas (see chaos-short-rows.ts; these rows run on redis-streams only).
import { chaosShortRows } from './chaos-short-rows.js';

chaosShortRows(5, 'redis-streams');
