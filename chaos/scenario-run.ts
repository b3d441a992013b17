import { randomBytes } from 'node:crypto';
import type { AppConfig, AppReport } from './app/app-config.js';
import type { Profile } from './profile.js';
import { reconcileRun } from './reconcile/reconcile-run.js';
import type { Row } from './row.js';
import { ChaosAgent } from './support/chaos-agent.js';
import { AppProcess } from './support/app-process.js';
import { chaosChannel, type ChaosChannel, type ChaosChannelType } from './support/chaos-channel.js';
import type { ChaosStore } from './support/chaos-store.js';
import type { Environment } from './support/environment.js';
import { InProgressWatch } from './support/in-progress-watch.js';
import { makeBadMessages, type BadMessage } from './support/malformed.js';

/** How long after an agent's SIGKILL its last commands may still run in Redis. */
const KILL_SETTLE_MS = 250;

/** Resolves after `seconds`. */
export function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

/**
 * One scenario's world: its own Redis keys and database (InfluxDB or PostgreSQL) on the shared servers,
 * the apps and agents it starts, the faults it records, and the reconciliation that
 * turns all that into a table row.
 */
export class ScenarioRun {
  readonly id = randomBytes(4).toString('hex');
  /** The scenario's channel: its keys, what apps and agents are given, what the suite reads. */
  readonly channel: ChaosChannel;
  readonly database: string;
  readonly notes: string[] = [];
  readonly failures: string[] = [];
  readonly agents: ChaosAgent[] = [];
  readonly apps: AppProcess[] = [];
  readonly reports: AppReport[] = [];
  /** Control processes: the apps' request loop without a Kadabra client. */
  readonly controls: AppProcess[] = [];
  readonly controlReports: AppReport[] = [];
  readonly bad: BadMessage[] = [];
  /** When redis-server was SIGKILLed (ms since the epoch). */
  readonly redisKills: number[] = [];
  /** Messages (digests, entry ids) left in progress by the agent SIGKILLs: the nanny's to re-publish. */
  readonly orphans = new Set<string>();
  /**
   * Messages left in progress, counted at each SIGKILL: a message still in progress at a
   * second kill (its republish by the nanny cut short) may be written once by each killed
   * agent, so each kill that leaves it explains one re-publish.
   */
  leftByKills = 0;
  /** Messages in progress longer than the nanny threshold: the nanny may publish each once more. */
  readonly watch: InProgressWatch;
  /** What may cause re-publishes here, and how many (see `expectRepublishedAtMost`). */
  republishBound: { readonly limit: () => number; readonly because: string } | undefined;
  private readonly lostAnswerPointsBefore: number;
  private drainFrom: number | undefined;
  private drainWatch: Promise<number | undefined> | undefined;

  private appCount = 0;
  /** What the scenario started that must outlive its `run` (the agents use it until they stop), ended by `dispose`. */
  private readonly cleanups: (() => Promise<void>)[] = [];

  constructor(
    readonly name: string,
    readonly env: Environment,
    readonly profile: Profile,
    private readonly log: (text: string) => void,
    channelType: ChaosChannelType,
    /** Where the agents publish, and what the reconciliation reads. */
    readonly store: ChaosStore,
    /** The row's own channel, when the scenario starts one (default: on the shared redis-server). */
    channel?: ChaosChannel,
  ) {
    this.channel = channel ?? chaosChannel(channelType, env.inspector, env.redis.port, this.id);
    this.database = `chaos_${this.id}`;
    this.lostAnswerPointsBefore = env.proxy.pointsInLostAnswers;
    this.watch = new InProgressWatch(() => this.channel.enteredTimes(), profile.nannyThresholdSeconds * 1000);
  }

  /** Messages held in progress past the nanny threshold, other than those the SIGKILLs left there. */
  overdueNotOrphaned(): number {
    return [...this.watch.overdue].filter((digest) => !this.orphans.has(digest)).length;
  }

  /** Messages the agents published whose complete then failed (Redis down): the nanny publishes them again. */
  completeFailed(): number {
    return this.agents.reduce((sum, agent) => sum + agent.counts.completeFailed, 0);
  }

  /** Messages in the apps' client writes that failed and were sent again (possibly twice on the queue). */
  failedWrites(): number {
    return this.reports.reduce((sum, report) => sum + report.failedWrites, 0);
  }

  /** Points InfluxDB wrote in this scenario whose answer found the agent gone (timed out; InfluxDB rows only). */
  lostAnswerPoints(): number {
    return this.env.proxy.pointsInLostAnswers - this.lostAnswerPointsBefore;
  }

  /** Prints a progress line. */
  step(text: string): void {
    this.log(`[${this.name}] ${text}`);
  }

  /** The agent configuration every scenario starts from (the default agent type, the row's store through its proxy). */
  agentConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const p = this.profile;
    return {
      AGENT_CHANNEL_TYPE: this.channel.type,
      AGENT_CHANNEL_ARGS: { host: '127.0.0.1', ...this.channel.args, connect_timeout: 1 },
      ...this.store.publisherConfig(this.database, p.publisherTimeoutSeconds),
      AGENT_NANNY_FREQUENCY_SECONDS: p.nannyFrequencySeconds,
      AGENT_NANNY_THRESHOLD_SECONDS: p.nannyThresholdSeconds,
      BATCHED_AGENT_INTERVAL_SECONDS: 1,
      ...overrides,
    };
  }

  /**
   * States what may cause re-publishes in this scenario: more than `limit()` (evaluated
   * at the end) plus the messages held in progress past the nanny threshold (the
   * nanny's by design, `overdueNotOrphaned()`), by the agents' count or by the points
   * InfluxDB was sent again, fails the row.
   */
  expectRepublishedAtMost(limit: () => number, because: string): void {
    this.republishBound = { limit, because };
  }

  /** Starts an agent process. */
  async startAgent(name: string, overrides: Record<string, unknown> = {}): Promise<ChaosAgent> {
    const agent = new ChaosAgent(name, this.agentConfig(overrides));
    this.agents.push(agent);
    await agent.start();
    return agent;
  }

  /** SIGKILLs an agent and counts what it left in progress. */
  async killAgent(agent: ChaosAgent): Promise<void> {
    await agent.kill();
    // A receive script the agent sent just before it died still runs in Redis (commands
    // already on the socket are executed before the server sees it closed) and may move
    // messages into in-progress after the kill: let those land before counting.
    await new Promise((resolve) => setTimeout(resolve, KILL_SETTLE_MS));
    const left = await this.channel.inProgressIds();
    for (const id of left) this.orphans.add(id);
    this.leftByKills += left.length;
    this.step(`SIGKILLed agent ${agent.name}; ${left.length} message(s) in progress`);
  }

  /** Starts an app process sending at the profile's rate (or as configured). */
  startApp(overrides: Partial<AppConfig> = {}): AppProcess {
    this.appCount += 1;
    const app = new AppProcess({
      name: `${this.name.replace(/\W+/g, '-')}-app${this.appCount}`,
      channel: { type: this.channel.type, args: this.channel.args },
      ratePerSecond: this.profile.ratePerApp,
      flushTimeoutSeconds: 60,
      ...this.store.appOverrides,
      ...overrides,
    });
    this.apps.push(app);
    return app;
  }

  /** Starts a control process (the request loop, no client) to measure the machine's own event-loop delay. */
  startControl(): AppProcess {
    const control = new AppProcess({
      name: `${this.name.replace(/\W+/g, '-')}-control`,
      channel: { type: this.channel.type, args: this.channel.args },
      ratePerSecond: this.profile.ratePerApp,
      flushTimeoutSeconds: 1,
      control: true,
    });
    this.controls.push(control);
    return control;
  }

  /** Starts the profile's number of apps, sending `total` messages between them as fast as they can. */
  startBacklogApps(total: number): AppProcess[] {
    const { apps } = this.profile;
    return Array.from({ length: apps }, (_, i) =>
      this.startApp({ ratePerSecond: 0, count: Math.floor(total / apps) + (i < total % apps ? 1 : 0) }),
    );
  }

  /** Starts the profile's number of steady apps. */
  startApps(): AppProcess[] {
    return Array.from({ length: this.profile.apps }, () => this.startApp());
  }

  /** Stops every running app and keeps its report (the drain clock starts now unless `faultsOver()` started it). */
  async stopApps(): Promise<void> {
    const running = this.apps.filter((app) => !this.reports.some((r) => r.name === app.config.name));
    const [reports, controls] = await Promise.all([
      Promise.all(running.map((app) => app.stop())),
      Promise.all(this.controls.splice(0).map((control) => control.stop())),
    ]);
    this.reports.push(...reports);
    this.controlReports.push(...controls);
    this.drainFrom ??= Date.now();
  }

  /** The opening of most scenarios: agent `a` and the steady apps start, and run calm for `calmSeconds`. */
  async startCalm(): Promise<ChaosAgent> {
    const agent = await this.startAgent('a');
    this.startApps();
    await sleep(this.profile.calmSeconds);
    return agent;
  }

  /** The close of most scenarios: `calmSeconds` more for the pipeline to catch up, then the apps stop. */
  async endCalm(): Promise<void> {
    await sleep(this.profile.calmSeconds);
    await this.stopApps();
  }

  /** Waits for apps started with a `count` to finish on their own. */
  async appsFinished(apps: readonly AppProcess[]): Promise<void> {
    this.reports.push(...(await Promise.all(apps.map((app) => app.finished()))));
  }

  /**
   * The last fault has healed: the drain clock starts, and from now on the first moment
   * the queue and in-progress are both empty (apps may still be sending) ends it.
   */
  faultsOver(): void {
    this.drainFrom = Date.now();
    this.drainWatch = this.emptyAt(this.drainFrom + this.profile.drainDeadlineSeconds * 1000);
  }

  /** When the queue and in-progress were both empty, polled until `deadline`. */
  private async emptyAt(deadline: number): Promise<number | undefined> {
    while (Date.now() < deadline) {
      try {
        const { queued, inProgress } = await this.channel.counts();
        if (queued === 0 && inProgress === 0) return Date.now();
      } catch {
        // Redis restarting: poll on.
      }
      await sleep(0.05);
    }
    return undefined;
  }

  /** Pushes `count` bad messages onto the queue, as a broken producer would (with `huge`, the two 5 MB ones among them). */
  async injectBad(count: number, huge = false): Promise<void> {
    const batch = makeBadMessages(`chaos-bad-${this.id}`, count, this.bad.length, huge);
    this.bad.push(...batch);
    for (const message of batch) await this.channel.push(message.bytes);
  }

  /**
   * Waits until the queue and in-progress are empty (everything published or
   * dead-lettered), up to the profile's deadline. Returns the drain time in seconds.
   */
  async drain(): Promise<number> {
    const from = this.drainFrom ?? Date.now();
    const emptied = await this.emptyAt(Date.now() + this.profile.drainDeadlineSeconds * 1000);
    if (emptied === undefined) {
      const { queued, inProgress } = await this.channel.counts();
      this.failures.push(`not drained after ${this.profile.drainDeadlineSeconds} s: ${queued} queued, ${inProgress} in progress`);
      return (Date.now() - from) / 1000;
    }
    const watched = await this.drainWatch;
    return ((watched ?? emptied) - from) / 1000;
  }

  /** Stops the agents gracefully (each must exit 0) and reconciles; returns the row. */
  async finish(): Promise<Row> {
    const drainSeconds = await this.drain();
    // A store of totals is read through the agents (Prometheus scrapes them): before they stop.
    if (this.store.reconciles === 'totals') await this.store.settle(this.database, Date.now());
    for (const agent of this.agents) {
      try {
        await agent.stop();
      } catch (error) {
        this.failures.push(String(error).split('\n')[0] ?? 'agent stop failed');
      }
    }
    await this.watch.stop();
    return reconcileRun(this, drainSeconds);
  }

  /** Runs `cleanup` in `dispose`, once the agents are gone. */
  onDispose(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  /** Kills whatever still runs and deletes the scenario's keys (and the agents' logs, unless the row failed). */
  async dispose(): Promise<void> {
    const keepLogs = this.failures.length > 0;
    await this.watch.stop();
    await Promise.all([
      ...[...this.apps, ...this.controls].map((p) => p.dispose()),
      ...this.agents.map((agent) => agent.dispose(keepLogs)),
    ]);
    for (const cleanup of this.cleanups.splice(0)) await cleanup();
    await this.env.inspector.del(...this.channel.keys).catch(() => undefined);
    await this.store.release?.(this.database);
    await this.channel.dispose?.();
  }
}
