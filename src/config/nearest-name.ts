/** Optimal string alignment distance between two strings: Levenshtein plus adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] ?? [];
      const substitution = (above[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? Math.max(a.length, b.length);
}

/**
 * The candidate `name` was most likely meant to be, or `undefined` when none is close:
 * compared case-insensitively; also matches a name missing its prefix
 * (`RECEIVER_THREADS` -> `AGENT_RECEIVER_THREADS`), carrying the environment prefix
 * (`KADABRA_AGENT_TYPE` -> `AGENT_TYPE`), or cut short or extended (`warning` -> `warn`).
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  const lowered = candidates.map((candidate) => candidate.toLowerCase());
  const withoutPrefix = wanted.replace(/^kadabra_/, '');
  const exact = lowered.indexOf(withoutPrefix);
  if (exact >= 0) return candidates[exact];
  const suffixed = lowered.filter((candidate) => candidate.endsWith(`_${wanted}`));
  if (suffixed.length === 1) return candidates[lowered.indexOf(suffixed[0] ?? '')];
  const truncatedOrExtended = lowered.filter(
    (candidate) =>
      Math.min(candidate.length, wanted.length) >= 3 && (candidate.startsWith(wanted) || wanted.startsWith(candidate)),
  );
  if (truncatedOrExtended.length === 1) return candidates[lowered.indexOf(truncatedOrExtended[0] ?? '')];

  const limit = wanted.length <= 3 ? 1 : Math.max(2, Math.floor(wanted.length / 4));
  let best: string | undefined;
  let bestDistance = limit + 1;
  lowered.forEach((candidate, index) => {
    const distance = editDistance(wanted, candidate);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidates[index];
    }
  });
  return best;
}
