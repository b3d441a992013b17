import { FIELD, totalName } from '../../src/publishers/prometheus/series-totals.js';

/**
 * The whole units of the Kadabra counter `counter`, summed over all its series (every
 * dimension set), from the Prometheus publisher's totals as `Channel.readState` (or an
 * `HGETALL` of the state hash) gives them: how many increments of 1 were counted.
 */
export function counterWholeUnits(totals: Iterable<readonly [string, bigint]>, counter: string): bigint {
  const prefix = totalName(FIELD.whole, `["c",${JSON.stringify(counter)},`);
  let sum = 0n;
  for (const [name, value] of totals) if (name.startsWith(prefix)) sum += value;
  return sum;
}
