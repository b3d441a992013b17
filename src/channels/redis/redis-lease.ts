import type { RedisClient } from './redis-connection.js';
import { checkLease } from '../channel-lease.js';

/**
 * `Channel.lease` on Redis, for both Redis channels: the key `<prefix><name>` holds the
 * owner for `ttlMs` by the server's clock (`SET ... PX`), taken, renewed or given up by
 * the script `lease-1.lua` in one step.
 * @throws InvalidArgumentError for a bad name, owner or ttl, before Redis is asked.
 */
export async function redisLease(ready: () => Promise<RedisClient>, prefix: string, name: string, owner: string, ttlMs: number): Promise<boolean> {
  const request = checkLease(name, owner, ttlMs);
  const connection = await ready();
  return (await connection.kadabraLease(`${prefix}${request.name}`, request.owner, request.ttlMs)) === 1;
}
