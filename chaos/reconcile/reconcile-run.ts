import type { Row } from '../row.js';
import type { ScenarioRun } from '../scenario-run.js';
import type { MessageStore, TotalsStore } from '../support/chaos-store.js';
import { reconcileApp } from './reconcile-apps.js';
import { reconcileDeadLetters } from './reconcile-dead-letters.js';
import { reconcileAppTotals } from './reconcile-totals.js';

/** What the row needs of one app's reconciliation, by sequence number or from totals. */
interface AppOutcome {
  readonly app: string;
  readonly sent: number;
  readonly stored: number;
  readonly lost: number;
  readonly doubled: number;
  readonly dropped: number;
  readonly droppedStored: number;
  readonly redisLost: number;
  readonly unacknowledged: number;
  readonly sumMatches: boolean;
  /** Sequence numbers of the first few losses, where the store can tell. */
  readonly lostExamples?: readonly number[];
}

/** The apps' outcomes, and the points written beyond one per stored point (undefined where not observable). */
interface StoreOutcome {
  readonly apps: readonly AppOutcome[];
  readonly rewritten: number | undefined;
}

/**
 * Every app's values in a store that keeps each message, by sequence number; records the
 * failures only a per-message store can show (values no app sent, points unaccounted for).
 */
async function reconcileMessages(run: ScenarioRun, store: MessageStore): Promise<StoreOutcome> {
  const { database } = run;
  const sums = await store.countAndSumByApp(database);
  const apps = [];
  for (const report of run.reports) {
    const a = reconcileApp(report, await store.valuesOfApp(database, report.name), sums.get(report.name)?.sum ?? 0, run.redisKills);
    if (a.foreign > 0) run.failures.push(`${a.app}: ${a.foreign} stored value(s) it never sent`);
    apps.push(a);
  }
  let storedPoints = 0;
  for (const { count } of sums.values()) storedPoints += count;
  const accounted = apps.reduce((sum, a) => sum + a.stored + a.doubled + a.foreign, 0);
  if (storedPoints !== accounted) run.failures.push(`${store.name} holds ${storedPoints} points, the apps account for ${accounted}`);
  const written = store.pointsWritten(database);
  return { apps, rewritten: written === undefined ? undefined : written - storedPoints };
}

/**
 * Every app's count and sum in a store that keeps only totals (`reconcileAppTotals`);
 * notes the copies of writes in doubt, and fails on a counter reset.
 */
async function reconcileTotals(run: ScenarioRun, store: TotalsStore): Promise<StoreOutcome> {
  const totals = await store.countAndSumByApp(run.database);
  const apps = run.reports.map((report) => reconcileAppTotals(report, totals.get(report.name) ?? { count: 0, sum: 0 }, run.redisKills));
  const figures = apps.map((a) => `${a.app} ${a.counted.count} of ${a.expected.count} (sum ${a.counted.sum} of ${a.expected.sum})`);
  run.notes.push(`${store.name} counted, of the messages Redis acknowledged: ${figures.join(', ')}`);
  const copies = apps.reduce((sum, a) => sum + a.copies, 0);
  if (copies > 0) run.notes.push(`counted twice: ${copies} message(s) of client writes that failed and were sent again (their first copy had reached Redis)`);
  const known = new Set(run.reports.map((report) => report.name));
  for (const app of totals.keys()) if (!known.has(app)) run.failures.push(`${store.name} counted messages of an app that never ran: ${app}`);
  const resets = await store.counterResets(run.database);
  if (resets > 0) run.failures.push(`${store.name} saw ${resets} counter reset(s): a total went down`);
  return { apps, rewritten: undefined };
}

/**
 * Compares what a scenario's apps sent with what its store holds (per app: count, SUM and
 * every value; or, for a store that keeps totals, the count and SUM alone), with the
 * dead-letter list and with the agents' and the proxy's count of publishes; records
 * every broken promise in `run.failures` and returns the table row.
 */
export async function reconcileRun(run: ScenarioRun, drainSeconds: number): Promise<Row> {
  const { store } = run;
  for (const report of run.reports) {
    if (report.throws > 0) run.failures.push(`${report.name}: send() threw ${report.throws} time(s)`);
    if (report.stats.buffered > 0) run.failures.push(`${report.name}: ${report.stats.buffered} message(s) still buffered at exit`);
  }
  const { apps, rewritten } = store.reconciles === 'totals' ? await reconcileTotals(run, store) : await reconcileMessages(run, store);
  const total = (pick: (a: AppOutcome) => number): number => apps.reduce((sum, a) => sum + pick(a), 0);
  const stored = total((a) => a.stored);
  const published = run.agents.reduce((sum, agent) => sum + agent.publishedTotal, 0);
  const dead = await reconcileDeadLetters(run.env.inspector, run.channel.deadKey, run.bad);

  for (const a of apps) {
    if (a.lost > 0) run.failures.push(`${a.app}: ${a.lost} message(s) lost${a.lostExamples ? `, e.g. seq ${a.lostExamples.join(', ')}` : ''}`);
    if (a.doubled > 0) run.failures.push(`${a.app}: ${a.doubled} message(s) stored twice`);
    if (!a.sumMatches) run.failures.push(`${a.app}: SUM(value) does not match what was sent`);
    const report = run.reports.find((r) => r.name === a.app);
    const unsent = (report?.stats.dropped ?? 0) + (report?.stats.buffered ?? 0);
    if (a.unacknowledged !== unsent) {
      run.failures.push(`${a.app}: ${a.unacknowledged} message(s) never acknowledged, but the client counts ${unsent} dropped or buffered`);
    }
  }
  if (dead.missing.length > 0) run.failures.push(`bad messages not dead-lettered: ${dead.missing.slice(0, 5).join(', ')}`);
  if (dead.unexpected > 0) run.failures.push(`${dead.unexpected} dead letter(s) that are not injected bad messages`);
  for (const agent of run.agents) {
    for (const line of agent.errors.slice(0, 3)) run.notes.push(`agent ${agent.name} logged error: ${String(line.msg)}`);
  }

  const byComponent: Record<string, number> = {};
  for (const agent of run.agents) {
    for (const [component, n] of Object.entries(agent.counts.published)) byComponent[component] = (byComponent[component] ?? 0) + n;
  }
  const failedAttempts = run.agents.reduce((sum, agent) => sum + agent.counts.failedAttempts, 0);
  run.notes.push(`publishes by ${Object.entries(byComponent).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`);
  if (run.orphans.size > 0) run.notes.push(`messages left in progress by the SIGKILLs: ${run.orphans.size} (${run.leftByKills} counted at each kill)`);
  if (run.completeFailed() > 0) run.notes.push(`published but not completed (Redis down): ${run.completeFailed()}`);
  if (total((a) => a.droppedStored) > 0) {
    run.notes.push(`counted as dropped but stored anyway (the write reached Redis, its acknowledgement was lost): ${total((a) => a.droppedStored)}`);
  }
  if (run.failedWrites() > 0) run.notes.push(`messages in client writes that failed and were sent again: ${run.failedWrites()}`);
  const reasons = Object.entries(dead.reasons);
  if (reasons.length > 0) {
    run.notes.push(`dead-letter reasons: ${reasons.map(([k, r]) => `${k}: "${r.length > 70 ? `${r.slice(0, 70)}...` : r}"`).join(' | ')}`);
  }

  const republished = published - stored;
  if (run.republishBound) {
    const overdue = run.overdueNotOrphaned();
    const because = overdue > 0
      ? `${run.republishBound.because}; and ${overdue} message(s) held in progress past the nanny threshold, which the nanny may publish once more`
      : run.republishBound.because;
    const limit = run.republishBound.limit() + overdue;
    run.notes.push(`re-publishes allowed: ${limit} (${because})`);
    const worst = Math.max(republished, rewritten ?? 0);
    if (worst > limit) run.failures.push(`${worst} re-publishes; at most ${limit} expected (${because})`);
  }
  if (run.failures.length > 0) {
    run.notes.push(`agent logs: ${run.agents.map((agent) => agent.logPath).join(', ')}`);
  }
  return {
    scenario: run.name,
    sent: total((a) => a.sent),
    stored,
    lost: total((a) => a.lost),
    doubled: total((a) => a.doubled),
    republished,
    rewritten,
    failedAttempts,
    deadLettered: dead.deadLettered,
    dropped: total((a) => a.dropped),
    droppedStored: total((a) => a.droppedStored),
    redisLost: total((a) => a.redisLost),
    drainSeconds,
    notes: run.notes,
    failures: run.failures,
  };
}
