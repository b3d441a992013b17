// The CI-sized chaos suite on the Redis Streams channel, part 4 of 6: the rows that publish into PostgreSQL (see chaos-short-rows.ts).
import { chaosShortRows } from './chaos-short-rows.js';

chaosShortRows(4, 'redis-streams');
