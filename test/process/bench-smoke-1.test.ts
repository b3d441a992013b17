// The benchmarks in smoke mode, part 1 of 2 (see bench-smoke-rows.ts).
import { benchSmoke } from './bench-smoke-rows.js';

benchSmoke(1);
