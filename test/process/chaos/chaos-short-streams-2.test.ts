// The CI-sized chaos suite on the Redis Streams channel, part 2 of 6: malformed messages, backlogs, two agents, the app during a Redis outage (see chaos-short-rows.ts).
import { chaosShortRows } from './chaos-short-rows.js';

chaosShortRows(2, 'redis-streams');
