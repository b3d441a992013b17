// The CI-sized chaos suite, part 3 of 6: refusals (the setup wrong, one tenant refused) and all at once (see chaos-short-rows.ts).
import { chaosShortRows } from './chaos-short-rows.js';

chaosShortRows(3);
