// The CI-sized chaos suite on the Redis Streams channel, part 5 of 6: the rows with the Prometheus publisher (see chaos-short-rows.ts).
import { chaosShortRows } from './chaos-short-rows.js';

chaosShortRows(5, 'redis-streams');
