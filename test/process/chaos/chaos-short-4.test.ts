// The CI-sized chaos suite, part 4 of 6: the rows that publish into PostgreSQL (agent SIGKILLed mid-COPY, PostgreSQL down; see chaos-short-rows.ts).
import { chaosShortRows } from './chaos-short-rows.js';

chaosShortRows(4);
