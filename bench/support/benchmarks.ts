/** Every benchmark (`bench/<name>.bench.ts`), in the order `run.ts` runs them. */
export const BENCHMARKS = ['record', 'encode-send', 'runtime-metrics', 'agent-throughput', 'cluster-throughput', 'agent-status-page', 'postgres-throughput', 'prometheus-scrape', 'agent-memory', 'latency', 'http-overhead'] as const;
