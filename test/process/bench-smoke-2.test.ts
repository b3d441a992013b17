// The benchmarks in smoke mode, part 2 of 2 (see bench-smoke-rows.ts).
import { benchSmoke } from './bench-smoke-rows.js';

benchSmoke(2);
