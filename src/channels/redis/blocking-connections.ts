import { ReplyError } from 'ioredis';
import type { KadabraLogger } from '../../logging/logger.js';
import { untilAborted } from '../until-aborted.js';
import { openConnection, READY_TIMEOUT_MS, whenReady, type RedisClient, type RedisTargetArgs } from './redis-connection.js';

/**
 * Connections for blocking commands (`XREADGROUP ... BLOCK`), one per wait in progress: a
 * blocking command holds its connection until it returns, so the channel's command
 * connection stays free for everything else, and several workers wait at once. A
 * connection is opened on demand and kept for the next wait. One whose wait was aborted,
 * or failed other than by the server's refusal (a lost or unanswering server), is
 * dropped: the server ends a blocked command when its client goes, so an abort or
 * `close()` never waits on the server.
 */
export class BlockingConnections {
  private readonly idle: RedisClient[] = [];
  private readonly busy = new Set<RedisClient>();
  private closed = false;

  constructor(
    private readonly args: RedisTargetArgs,
    private readonly logger: KadabraLogger,
  ) {}

  /**
   * Runs `command` on a connection of its own, once it is ready (waiting up to 1 s for a
   * (re)connecting server).
   * @returns its answer, or `undefined` at once when `signal` aborts first (the connection is dropped).
   * @throws what `command` throws; RedisNotReadyError when the server is not reachable; once closed.
   */
  async run<T>(command: (connection: RedisClient) => Promise<T>, signal: AbortSignal): Promise<T | undefined> {
    if (this.closed) throw new Error('channel is closed');
    if (signal.aborted) return undefined;
    const connection = this.idle.pop() ?? openConnection(this.args, this.logger, 'blocking');
    this.busy.add(connection);
    let keep = false;
    try {
      await untilAborted(whenReady(connection, READY_TIMEOUT_MS), signal);
      if (signal.aborted) return undefined;
      const answer = await untilAborted(command(connection), signal);
      keep = !signal.aborted;
      return answer;
    } catch (error) {
      keep = error instanceof ReplyError;
      throw error;
    } finally {
      this.busy.delete(connection);
      if (keep && !this.closed) this.idle.push(connection);
      else connection.disconnect();
    }
  }

  /** Drops every connection, ending the waits on them; idempotent. */
  close(): void {
    this.closed = true;
    for (const connection of [...this.idle.splice(0), ...this.busy]) connection.disconnect();
    this.busy.clear();
  }
}
