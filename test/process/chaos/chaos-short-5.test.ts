// The CI-sized chaos suite, part 5 of 6: the rows with the Prometheus publisher, reconciled from the totals a real Prometheus reports (agent SIGKILLed, Redis restarted; see chaos-short-rows.ts).
import { chaosShortRows } from './chaos-short-rows.js';

chaosShortRows(5);
