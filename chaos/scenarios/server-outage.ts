import type { Profile } from '../profile.js';
import { sleep, type ScenarioRun } from '../scenario-run.js';
import type { ChaosStoreType } from '../support/chaos-store.js';
import type { Scenario } from './scenario.js';

/** What a server outage row needs to know. */
interface ServerOutage {
  readonly key: string;
  readonly title: string;
  readonly store?: ChaosStoreType;
  /** The server's name in the progress lines. */
  readonly server: string;
  /** How long it stays down. */
  readonly seconds: (profile: Profile) => number;
  /** The server of the run, to stop and start. */
  readonly handle: (run: ScenarioRun) => { stop(): Promise<void>; start(): Promise<void> };
}

/**
 * A row where the database is stopped for a while, then started, while apps send. The
 * receivers hold what they took and stop taking more; the queue waits in Redis; nothing
 * is dead-lettered. What the receivers held through the outage is in progress past the
 * nanny threshold (the watch counts it): the nanny may race their retry, nothing else
 * may re-publish.
 */
export function serverOutage(outage: ServerOutage): Scenario {
  return {
    key: outage.key,
    title: outage.title,
    ...(outage.store === undefined ? {} : { store: outage.store }),
    async run(run) {
      const server = outage.handle(run);
      const seconds = outage.seconds(run.profile);
      await run.startCalm();
      run.step(`stopping ${outage.server} for ${seconds} s`);
      await server.stop();
      await sleep(seconds);
      await server.start();
      run.step(`${outage.server} is back`);
      run.faultsOver();
      run.expectRepublishedAtMost(() => 0, 'nothing else');
      await run.endCalm();
    },
  };
}
